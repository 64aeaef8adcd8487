using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Julia.Simulator;

/// <summary>A number the Meta simulator serves: its phone number id, token, display number (digits) and WABA.</summary>
public sealed record MetaNumber(string PhoneNumberId, string Token, string DisplayNumber, string WabaId);

/// <summary>A template of a WABA in the simulator: its id, name, exact locale, category, status and body (with its {{n}} parameters).</summary>
public sealed record MetaSimTemplate(string Id, string WabaId, string Name, string Language, string Category, string Status, string Body);

/// <summary>One message the simulator accepted, as posted (the whole JSON) with the wamid it answered.</summary>
public sealed record MetaSent(string PhoneNumberId, string To, string WamId, JsonObject Body, DateTimeOffset At);

public sealed class MetaSimulatorOptions
{
    public TimeProvider Clock { get; set; } = TimeProvider.System;
    /// <summary>The app secret webhooks are signed with (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "meta-sim-app-secret";
    public string? WebhookUrl { get; set; }
    /// <summary>Graph versions below this answer code 100.</summary>
    public int MinimumVersion { get; set; } = 24;
    /// <summary>One message per this long per (number, doctor), else 131056.</summary>
    public TimeSpan PairInterval { get; set; } = TimeSpan.FromSeconds(6);
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// A fake WhatsApp Cloud API on loopback (spec §7, a first part): <c>POST /{version}/{phone-number-id}/messages</c> with
/// the bearer token, text (≤ 4,096), templates, reply context, <c>biz_opaque_callback_data</c> echoed in every status, and
/// mark-as-read. It keeps the 24-hour window per (number, doctor) from the doctor's messages (free text outside it is
/// accepted, then fails 131047 by webhook, as Meta does), the pair rate (131056), and injected error codes answered with
/// Meta's HTTP status for each (rate limits as 400, transient errors as 500). Webhooks are signed over bytes escaped as
/// Meta escapes them. Templates per WABA (<c>GET /{waba}/message_templates</c> with paging; a status change emits
/// <c>message_template_status_update</c>; a paused one answers 132015, a disabled one 132016, an unknown one 132001), and
/// "stop promotions" (<c>user_preferences</c>; marketing to such a doctor fails 131050 after the 200). Not yet: throughput,
/// portfolio tiers, quality, disorder and duplicates.
/// </summary>
public sealed class MetaSimulator : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, MetaNumber> _numbers = new();
    readonly ConcurrentDictionary<(string, string), DateTimeOffset> _lastInbound = new(), _lastSend = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _faults = new();
    readonly ConcurrentQueue<MetaSent> _sent = new();
    readonly ConcurrentDictionary<(string Waba, string Name, string Language), MetaSimTemplate> _templates = new();
    readonly ConcurrentDictionary<string, bool> _stoppedMarketing = new();
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    long _seq, _delivered, _failed;

    public MetaSimulatorOptions Options { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyCollection<MetaSent> Sent => _sent;
    public long WebhooksDelivered => Interlocked.Read(ref _delivered);
    public long WebhooksFailed => Interlocked.Read(ref _failed);

    MetaSimulator(MetaSimulatorOptions options, string url)
    {
        Options = options;
        _app = Loopback.Build(url);
        _app.MapPost("/{version}/{pnid}/messages", Messages);
        _app.MapGet("/{version}/{waba}/message_templates", ListTemplates);
    }

    public static async Task<MetaSimulator> StartAsync(MetaSimulatorOptions? options = null, string url = "http://127.0.0.1:0")
    {
        var sim = new MetaSimulator(options ?? new(), url);
        sim.BaseAddress = await Loopback.StartAsync(sim._app);
        return sim;
    }

    public void AddNumber(MetaNumber n) => _numbers[n.PhoneNumberId] = n;

    /// <summary>Adds (or replaces) a template of a WABA, as if Meta had reviewed it, without a webhook.</summary>
    public MetaSimTemplate AddTemplate(string wabaId, string name, string category, string status = "APPROVED", string language = "pt_BR",
                                      string body = "Olá {{1}}, temos uma novidade para você.")
    {
        var t = new MetaSimTemplate((1_870_000_000_000_000 + Interlocked.Increment(ref _seq)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            wabaId, name, language, category, status, body);
        _templates[(wabaId, name, language)] = t;
        return t;
    }

    /// <summary>
    /// Meta changes a template's status (PAUSED, DISABLED, APPROVED again…): sends with it answer as Meta does from now on, and a
    /// signed <c>message_template_status_update</c> goes out. Returns the webhook's HTTP status.
    /// </summary>
    public Task<int> SetTemplateStatusAsync(string wabaId, string name, string status, string language = "pt_BR", string? title = null)
    {
        var t = _templates[(wabaId, name, language)] = _templates[(wabaId, name, language)] with { Status = status };
        var value = new JsonObject
        {
            ["event"] = status,
            ["message_template_id"] = long.Parse(t.Id, System.Globalization.CultureInfo.InvariantCulture),
            ["message_template_name"] = name,
            ["message_template_language"] = language,
            ["reason"] = "NONE",
            ["message_template_category"] = t.Category,
        };
        if (title is not null) value["other_info"] = new JsonObject { ["title"] = title, ["description"] = "simulated" };
        return PostAsync(wabaId, "message_template_status_update", value);
    }

    /// <summary>
    /// The doctor turns off "offers and announcements" for this number's business: a signed <c>user_preferences</c> stop goes out,
    /// and from now on marketing templates to them are accepted, then fail 131050 (utility templates and free text still go).
    /// </summary>
    public Task<int> StopMarketingAsync(string phoneNumberId, string doctorDigits, bool stop = true)
    {
        var n = _numbers[phoneNumberId];
        if (stop) _stoppedMarketing[doctorDigits] = true;
        else _stoppedMarketing.TryRemove(doctorDigits, out _);
        var value = Value(n);
        value["contacts"] = new JsonArray(new JsonObject { ["wa_id"] = doctorDigits });
        value["user_preferences"] = new JsonArray(new JsonObject
        {
            ["wa_id"] = doctorDigits,
            ["detail"] = stop ? "User requested to stop marketing messages" : "User requested to resume marketing messages",
            ["category"] = "marketing_messages",
            ["value"] = stop ? "stop" : "resume",
            ["timestamp"] = Options.Clock.GetUtcNow().ToUnixTimeSeconds(),
        });
        return PostAsync(n.WabaId, "user_preferences", value);
    }

    /// <summary>The WABA's templates, a page at a time (<c>limit</c>, <c>after</c>), with Meta's paging cursors.</summary>
    IResult ListTemplates(string version, string waba, HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;
        if (token is null || !_numbers.Values.Any(n => n.Token == token)) return Error(190, "Invalid OAuth access token");
        if (!_numbers.Values.Any(n => n.Token == token && n.WabaId == waba)) return Error(200, "Permission denied for this WABA");
        int limit = int.TryParse(ctx.Request.Query["limit"], out var l) && l is > 0 and <= 100 ? l : 25;
        int from = int.TryParse(ctx.Request.Query["after"], out var a) ? a : 0;
        var all = _templates.Values.Where(t => t.WabaId == waba).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        var page = all.Skip(from).Take(limit).Select(t => new
        {
            id = t.Id,
            name = t.Name,
            language = t.Language,
            category = t.Category,
            status = t.Status,
            components = new[] { new { type = "BODY", text = t.Body } },
        }).ToList();
        var after = (from + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        object paging = from + page.Count < all.Count
            ? new { cursors = new { before = from.ToString(System.Globalization.CultureInfo.InvariantCulture), after }, next = "https://graph.invalid/next" }
            : new { cursors = new { before = from.ToString(System.Globalization.CultureInfo.InvariantCulture), after } };
        return Results.Json(new { data = page, paging });
    }

    /// <summary>The next sends from this number fail with these codes, in order (the HTTP status is Meta's for each).</summary>
    public void Inject(string phoneNumberId, params int[] codes)
    {
        var q = _faults.GetOrAdd(phoneNumberId, _ => new());
        foreach (var c in codes) q.Enqueue(c);
    }

    /// <summary>A doctor writes to a number: the window of (number, doctor) opens from now and a signed webhook goes out.</summary>
    public Task<int> DoctorSaysAsync(string phoneNumberId, string fromDigits, string text, string? name = null)
    {
        var n = _numbers[phoneNumberId];
        var now = Options.Clock.GetUtcNow();
        _lastInbound[(phoneNumberId, fromDigits)] = now;
        var message = new JsonObject
        {
            ["from"] = fromDigits,
            ["id"] = NewWamId(),
            ["timestamp"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = "text",
            ["text"] = new JsonObject { ["body"] = text },
        };
        var value = Value(n);
        value["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name ?? "Doutora" }, ["wa_id"] = fromDigits });
        value["messages"] = new JsonArray(message);
        return PostAsync(n.WabaId, "messages", value);
    }

    async Task<IResult> Messages(string version, string pnid, HttpContext ctx)
    {
        if (!int.TryParse(version.TrimStart('v').Split('.')[0], out var major) || major < Options.MinimumVersion)
            return Error(100, $"Unsupported version {version}");
        var auth = ctx.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;
        if (token is null || !_numbers.Values.Any(n => n.Token == token)) return Error(190, "Invalid OAuth access token");
        if (!_numbers.TryGetValue(pnid, out var number) || number.Token != token) return Error(200, "Permission denied for this phone number");
        JsonObject body;
        try { body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return Error(100, "Invalid JSON"); }

        if (body["status"]?.GetValue<string>() == "read") return Results.Json(new { success = true });
        if (_faults.TryGetValue(pnid, out var q) && q.TryDequeue(out var injected)) return Error(injected, "injected");

        var to = body["to"]?.GetValue<string>()?.TrimStart('+');
        var type = body["type"]?.GetValue<string>();
        if (string.IsNullOrEmpty(to)) return Error(100, "Parameter to is required");
        if (type == "text" && (body["text"]?["body"]?.GetValue<string>()?.Length ?? 0) is 0 or > 4096) return Error(100,
            "text.body must be 1 to 4096 characters");
        if (type is not ("text" or "template")) return Error(131051, "Unsupported message type");

        MetaSimTemplate? template = null;
        if (type == "template")
        {
            var name = body["template"]?["name"]?.GetValue<string>() ?? "";
            var language = body["template"]?["language"]?["code"]?.GetValue<string>() ?? "";
            if (!_templates.TryGetValue((number.WabaId, name, language), out template)) return Error(132001, "Template name does not exist in the translation");
            if (template.Status == "PAUSED") return Error(132015, "Template is paused");
            if (template.Status == "DISABLED") return Error(132016, "Template is disabled");
            if (template.Status != "APPROVED") return Error(132001, "Template is not approved");
        }

        var now = Options.Clock.GetUtcNow();
        var pair = (pnid, to);
        if (_lastSend.TryGetValue(pair, out var last) && now - last < Options.PairInterval)
            return Error(131056, "(Business Account, Consumer Account) pair rate limit hit");
        _lastSend[pair] = now;

        var wamid = NewWamId();
        _sent.Enqueue(new MetaSent(pnid, to, wamid, body, now));
        var opaque = body["biz_opaque_callback_data"]?.GetValue<string>();
        bool inWindow = _lastInbound.TryGetValue(pair, out var inbound) && now - inbound < Options.Window;
        // Free text outside the window is accepted, then fails by webhook (spec §2.4): the sender only learns it late. So does a
        // marketing template to a doctor who stopped promotions (131050).
        _ = type == "text" && !inWindow
            ? StatusAsync(number, wamid, to, "failed", opaque, (131047, "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number."))
            : template is { Category: "MARKETING" } && _stoppedMarketing.ContainsKey(to)
            ? StatusAsync(number, wamid, to, "failed", opaque, (131050,
                "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
                "The user has stopped marketing messages from this business."))
            : SentThenDeliveredAsync(number, wamid, to, opaque);
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = body["to"]!.GetValue<string>(), wa_id = to } },
            messages = new[] { new { id = wamid } },
        });
    }

    async Task SentThenDeliveredAsync(MetaNumber n, string wamid, string to, string? opaque)
    {
        await StatusAsync(n, wamid, to, "sent", opaque);
        await StatusAsync(n, wamid, to, "delivered", opaque);
    }

    Task<int> StatusAsync(MetaNumber n, string wamid, string to, string status, string? opaque, (int Code, string Title, string Details)? error = null)
    {
        var s = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Options.Clock.GetUtcNow().ToUnixTimeSeconds()
                .ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recipient_id"] = to,
        };
        if (opaque is not null) s["biz_opaque_callback_data"] = opaque;
        if (error is { } e)
            s["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = e.Code,
                ["title"] = e.Title,
                ["message"] = e.Title,
                ["error_data"] = new JsonObject { ["details"] = e.Details },
                ["href"] = "/documentation/business-messaging/whatsapp/support/error-codes",
            });
        var value = Value(n);
        value["statuses"] = new JsonArray(s);
        return PostAsync(n.WabaId, "messages", value);
    }

    static JsonObject Value(MetaNumber n) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject { ["display_phone_number"] = n.DisplayNumber, ["phone_number_id"] = n.PhoneNumberId },
    };

    /// <summary>Posts one change, escaped and signed as Meta does; retried a few times on anything but 200. Returns the last HTTP status.</summary>
    async Task<int> PostAsync(string wabaId, string field, JsonObject value)
    {
        if (Options.WebhookUrl is not { } url) return 0;
        var body = MetaEscaping.Write(new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = wabaId,
                ["time"] = Options.Clock.GetUtcNow().ToUnixTimeSeconds(),
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = field }),
            }),
        });
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Options.AppSecret), bytes));
        int status = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
                req.Content.Headers.ContentType = new("application/json");
                req.Headers.Add("X-Hub-Signature-256", signature);
                using var res = await _http.SendAsync(req);
                status = (int)res.StatusCode;
                if (status == 200) { Interlocked.Increment(ref _delivered); return status; }
            }
            catch (HttpRequestException) { }
            await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt));
        }
        Interlocked.Increment(ref _failed);
        return status;
    }

    /// <summary>Meta's error envelope with the HTTP status Meta documents for the code (spec §3.2).</summary>
    static IResult Error(int code, string message) => Results.Json(new
    {
        error = new
        {
            message = $"(#{code}) {message}",
            type = "OAuthException",
            code,
            error_data = new { messaging_product = "whatsapp", details = message },
            fbtrace_id = "Asim" + code
        },
    }, statusCode: HttpFor(code));

    public static int HttpFor(int code) => code switch
    {
        190 or 0 => 401,
        368 or 131031 or 130497 or 10 or (>= 200 and <= 299) => 403,
        132001 => 404,
        131000 or 131016 or 131057 or 131045 => 500,
        2 or 133004 => 503,
        _ => 400,
    };

    string NewWamId() => "wamid." + Convert.ToBase64String(Encoding.ASCII.GetBytes($"SIM{Interlocked.Increment(ref _seq):D12}"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
