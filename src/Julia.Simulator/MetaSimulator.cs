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
    /// <summary>Pair rate (spec §7.2): a token bucket per (number, doctor) refilled one per this long, else 131056.</summary>
    public TimeSpan PairInterval { get; set; } = TimeSpan.FromSeconds(6);
    /// <summary>The pair bucket's capacity: Meta lets a burst of up to 45 borrow future quota. 1 is a strict one per <see cref="PairInterval"/>.</summary>
    public int PairBurst { get; set; } = 45;
    /// <summary>Messages per second per number (sliding second), else 130429; Meta's default is 80 (20 in coexistence mode).</summary>
    public int ThroughputPerSecond { get; set; } = 80;
    /// <summary>At RED, the chance a business-initiated send (outside the doctor's window) fails 131048 (spec §7.3); 0 by default.</summary>
    public double RedSpamProbability { get; set; }
    /// <summary>Seed of the simulator's random draws, so a test's run repeats.</summary>
    public int Seed { get; set; } = 22;
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
    /// <summary>The chance a webhook is delivered a second time after its 200 (Meta delivers at least once).</summary>
    public double DuplicateProbability { get; set; }
    /// <summary>The chance a send's statuses arrive out of order (delivered before sent; a doctor's read before both).</summary>
    public double DisorderProbability { get; set; }
    /// <summary>A send's statuses go in one POST (one change, several statuses), as Meta batches them, instead of one POST each.</summary>
    public bool BatchStatuses { get; set; }
    /// <summary>The chance the doctor reads a delivered message (a <c>read</c> status follows).</summary>
    public double ReadProbability { get; set; }
}

/// <summary>
/// A fake WhatsApp Cloud API on loopback (spec §7, a first part): <c>POST /{version}/{phone-number-id}/messages</c> with
/// the bearer token, text (≤ 4,096), templates, reply context, <c>biz_opaque_callback_data</c> echoed in every status, and
/// mark-as-read. It keeps the 24-hour window per (number, doctor) from the doctor's messages (free text outside it is
/// accepted, then fails 131047 by webhook, as Meta does), the pair rate (131056), and injected error codes answered with
/// Meta's HTTP status for each (rate limits as 400, transient errors as 500). Webhooks are signed over bytes escaped as
/// Meta escapes them. The number's standing (spec §7.3) is set by the test and read back on <c>GET /{version}/{phone-number-id}</c>:
/// quality (RED makes the phone entity's health LIMITED), health, the messaging limit tier, the throughput level; an account
/// restriction of a WABA is sent as a signed <c>account_update</c> webhook, blocks the WABA's health and answers 368 to its
/// sends until it expires; a disabled WABA answers 131031; at RED a business-initiated send fails 131048 with a set
/// probability. Delivery (<see cref="MetaSimulatorOptions"/>): batched statuses, disorder, duplicates after a 200, retries
/// after anything else. Throughput is a sliding second per number (130429), with an upgrade mode (131057 for a minute, then HIGH
/// and its THROUGHPUT_UPGRADE webhook); the pair rate a token bucket (45, one back per 6 s). Templates per WABA
/// (<c>GET /{waba}/message_templates</c> with paging; a status change emits <c>message_template_status_update</c>; a paused
/// one answers 132015, a disabled one 132016, an unknown one 132001), and "stop promotions" (<c>user_preferences</c>;
/// marketing to such a doctor fails 131050 after the 200). Faults: <see cref="Inject"/> (131000, 131016, 2…) and
/// <see cref="ExpireToken"/> (190). Not modelled: the portfolio's limit (Julia keeps its own budget), quality computed from blocks.
/// </summary>
public sealed partial class MetaSimulator : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, MetaNumber> _numbers = new();
    readonly ConcurrentDictionary<(string, string), DateTimeOffset> _lastInbound = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _faults = new();
    readonly ConcurrentQueue<MetaSent> _sent = new();
    readonly ConcurrentDictionary<string, MetaNumberState> _state = new();
    readonly ConcurrentDictionary<string, DateTimeOffset> _restrictedWabas = new();
    readonly ConcurrentDictionary<string, bool> _expiredTokens = new();
    readonly ConcurrentDictionary<(string, string), (double Tokens, DateTimeOffset At)> _pairs = new();
    readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _lastSecond = new();
    readonly Lock _limits = new();
    readonly ConcurrentDictionary<string, DateTimeOffset> _upgrading = new(), _disabledWabas = new();
    Random _random = null!;
    readonly ConcurrentDictionary<(string Waba, string Name, string Language), MetaSimTemplate> _templates = new();
    readonly ConcurrentDictionary<string, bool> _stoppedMarketing = new();
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    long _seq, _delivered, _failed, _duplicates;

    public MetaSimulatorOptions Options { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyCollection<MetaSent> Sent => _sent;
    public long WebhooksDelivered => Interlocked.Read(ref _delivered);
    public long WebhooksFailed => Interlocked.Read(ref _failed);
    /// <summary>Webhooks delivered a second time (<see cref="MetaSimulatorOptions.DuplicateProbability"/>).</summary>
    public long WebhooksDuplicated => Interlocked.Read(ref _duplicates);

    readonly ConcurrentDictionary<int, int> _answered = new();

    /// <summary>How many calls this simulator answered with Meta's error <paramref name="code"/> (131056, 130429, 368…).</summary>
    public int Answered(int code) => _answered.GetValueOrDefault(code);

    MetaSimulator(MetaSimulatorOptions options, string url)
    {
        Options = options;
        _app = Loopback.Build(url);
        _app.MapPost("/{version}/{pnid}/messages", Messages);
        _app.MapGet("/{version}/{waba}/message_templates", ListTemplates);
        _app.MapGet("/{version}/{pnid}", PhoneNumber);
    }

    /// <summary>A number's standing as the test set it (spec §7.3).</summary>
    sealed record MetaNumberState(string Quality = "GREEN", string? Health = null, string Tier = "TIER_250", string Throughput = "STANDARD");

    MetaNumberState StateOf(string pnid) => _state.GetOrAdd(pnid, _ => new());

    /// <summary>The number's quality rating (GREEN, YELLOW, RED, UNKNOWN, NA); RED makes its phone entity LIMITED. No webhook: Julia must poll.</summary>
    public void SetQuality(string phoneNumberId, string quality) =>
        _state.AddOrUpdate(phoneNumberId, _ => new(quality), (_, s) => s with { Quality = quality });

    /// <summary>The phone entity's <c>can_send_message</c> (AVAILABLE, LIMITED, BLOCKED); null: from the quality.</summary>
    public void SetHealth(string phoneNumberId, string? health) =>
        _state.AddOrUpdate(phoneNumberId, _ => new(Health: health), (_, s) => s with { Health = health });

    /// <summary>The messaging limit tier the GET reports (TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED).</summary>
    public void SetTier(string phoneNumberId, string tier) => _state.AddOrUpdate(phoneNumberId, _ => new(Tier: tier), (_, s) => s with { Tier = tier });

    /// <summary>The throughput level the GET reports (STANDARD, HIGH).</summary>
    public void SetThroughput(string phoneNumberId, string level) =>
        _state.AddOrUpdate(phoneNumberId, _ => new(Throughput: level), (_, s) => s with { Throughput = level });

    /// <summary>The number's token is revoked: every call with it answers 401 code 190.</summary>
    public void ExpireToken(string phoneNumberId) => _expiredTokens[_numbers[phoneNumberId].Token] = true;

    /// <summary>
    /// Meta restricts the WABA's business-initiated messaging until <paramref name="until"/>: a signed <c>account_update</c>
    /// ACCOUNT_RESTRICTION (RESTRICTED_BIZ_INITIATED_MESSAGING) goes out, the WABA's health is BLOCKED and its numbers' sends
    /// answer 368 until then. Returns the webhook's HTTP status.
    /// </summary>
    public Task<int> RestrictWabaAsync(string wabaId, DateTimeOffset until)
    {
        _restrictedWabas[wabaId] = until;
        var value = new JsonObject
        {
            ["event"] = "ACCOUNT_RESTRICTION",
            ["restriction_info"] = new JsonArray(new JsonObject
            {
                ["restriction_type"] = "RESTRICTED_BIZ_INITIATED_MESSAGING",
                ["expiration"] = until.ToUnixTimeSeconds(),
            }),
        };
        return PostAsync(wabaId, "account_update", value, Options.Clock.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <summary>
    /// The number's throughput is upgraded (spec §2.5): for 60 s its sends answer 131057 (maintenance), its level is HIGH, and a
    /// signed <c>phone_number_quality_update</c> THROUGHPUT_UPGRADE goes out (sent at once here, not after the minute).
    /// </summary>
    public Task<int> UpgradeThroughputAsync(string phoneNumberId)
    {
        var n = _numbers[phoneNumberId];
        _upgrading[phoneNumberId] = Options.Clock.GetUtcNow().AddSeconds(60);
        SetThroughput(phoneNumberId, "HIGH");
        var value = new JsonObject { ["display_phone_number"] = n.DisplayNumber, ["event"] = "THROUGHPUT_UPGRADE" };
        return PostAsync(n.WabaId, "phone_number_quality_update", value, Options.Clock.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <summary>Meta disables the WABA: a signed <c>account_update</c> DISABLED_UPDATE (DISABLE) goes out and its numbers' sends answer 131031.</summary>
    public Task<int> DisableWabaAsync(string wabaId)
    {
        var now = Options.Clock.GetUtcNow();
        _disabledWabas[wabaId] = now;
        var value = new JsonObject
        {
            ["event"] = "DISABLED_UPDATE",
            ["ban_info"] = new JsonObject
            {
                ["waba_ban_state"] = "DISABLE",
                ["waba_ban_date"] = now.ToString("MMMM d, yyyy",
                System.Globalization.CultureInfo.InvariantCulture)
            },
        };
        return PostAsync(wabaId, "account_update", value, now.ToUnixTimeSeconds());
    }

    bool Restricted(MetaNumber n) => _restrictedWabas.TryGetValue(n.WabaId, out var until) && Options.Clock.GetUtcNow() < until;

    /// <summary><c>GET /{version}/{phone-number-id}?fields=…</c>: the §2.7 fields (all of them when none are named) and the legacy tier.</summary>
    IResult PhoneNumber(string version, string pnid, HttpContext ctx)
    {
        if (Refused(version, pnid, ctx, out var number) is { } refused) return refused;
        var st = StateOf(pnid);
        var fields = ctx.Request.Query["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        bool Wants(string f) => fields.Count == 0 || fields.Contains(f);
        var phoneHealth = st.Health ?? (st.Quality == "RED" ? "LIMITED" : "AVAILABLE");
        var wabaHealth = Restricted(number!) || _disabledWabas.ContainsKey(number!.WabaId) ? "BLOCKED" : "AVAILABLE";
        var json = new JsonObject { ["id"] = pnid };
        if (Wants("display_phone_number")) json["display_phone_number"] = "+" + number!.DisplayNumber;
        if (Wants("quality_rating")) json["quality_rating"] = st.Quality;
        if (Wants("status")) json["status"] = wabaHealth == "BLOCKED" ? "RESTRICTED" : "CONNECTED";
        if (Wants("name_status")) json["name_status"] = "APPROVED";
        if (Wants("throughput")) json["throughput"] = new JsonObject { ["level"] = st.Throughput };
        if (Wants("whatsapp_business_manager_messaging_limit")) json["whatsapp_business_manager_messaging_limit"] = st.Tier;
        if (Wants("messaging_limit_tier")) json["messaging_limit_tier"] = st.Tier.Replace("2K", "1K", StringComparison.Ordinal);
        if (Wants("health_status"))
        {
            static JsonObject Entity(string type, string id, string can)
            {
                var e = new JsonObject { ["entity_type"] = type, ["id"] = id, ["can_send_message"] = can };
                if (can == "LIMITED") e["additional_info"] = new JsonArray("Your phone number's quality is low: business-initiated messaging is limited.");
                if (can == "BLOCKED")
                    e["errors"] = new JsonArray(new JsonObject
                    {
                        ["error_code"] = 141010,
                        ["error_description"] = "The WhatsApp Business Account is restricted from business-initiated messaging.",
                        ["possible_solution"] = "Review the account's policy status in WhatsApp Manager.",
                    });
                return e;
            }
            var overall = phoneHealth == "BLOCKED" || wabaHealth == "BLOCKED" ? "BLOCKED" : phoneHealth == "LIMITED" ? "LIMITED" : "AVAILABLE";
            json["health_status"] = new JsonObject
            {
                ["can_send_message"] = overall,
                ["entities"] = new JsonArray(Entity("PHONE_NUMBER", pnid, phoneHealth), Entity("WABA", number!.WabaId, wabaHealth),
                    Entity("BUSINESS", "3" + number.WabaId, "AVAILABLE"), Entity("APP", "4" + number.WabaId, "AVAILABLE")),
            };
        }
        return Results.Json(json);
    }

    /// <summary>The version and bearer checks every call makes: null when they pass.</summary>
    IResult? Refused(string version, string pnid, HttpContext ctx, out MetaNumber? number)
    {
        number = null;
        if (!int.TryParse(version.TrimStart('v').Split('.')[0], out var major) || major < Options.MinimumVersion)
            return Error(100, $"Unsupported version {version}");
        var auth = ctx.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;
        if (token is null || _expiredTokens.ContainsKey(token) || !_numbers.Values.Any(n => n.Token == token)) return Error(190, "Invalid OAuth access token");
        if (!_numbers.TryGetValue(pnid, out number) || number.Token != token) return Error(200, "Permission denied for this phone number");
        return null;
    }

    /// <summary>Pair bucket and throughput, checked and charged together: null when the send may go, else Meta's code.</summary>
    int? Limit(string pnid, string to, DateTimeOffset now)
    {
        lock (_limits)
        {
            var second = _lastSecond.GetOrAdd(pnid, _ => new());
            while (second.Count > 0 && now - second.Peek() >= TimeSpan.FromSeconds(1)) second.Dequeue();
            if (second.Count >= Options.ThroughputPerSecond) return 130429;
            var cap = Math.Max(1, Options.PairBurst);
            var (tokens, at) = _pairs.TryGetValue((pnid, to), out var b) ? b : (cap, now);
            if (now > at) tokens = Math.Min(cap, tokens + (now - at) / Options.PairInterval);
            if (tokens < 1) return 131056;
            _pairs[(pnid, to)] = (tokens - 1, now > at ? now : at);
            second.Enqueue(now);
            return null;
        }
    }

    public static async Task<MetaSimulator> StartAsync(MetaSimulatorOptions? options = null, string url = "http://127.0.0.1:0")
    {
        var sim = new MetaSimulator(options ?? new(), url);
        sim._random = new Random(sim.Options.Seed);
        sim.BaseAddress = await Loopback.StartAsync(sim._app);
        return sim;
    }

    public void AddNumber(MetaNumber n) => _numbers[n.PhoneNumberId] = n;

    /// <summary>The doctors (digits) who wrote to a number.</summary>
    public IReadOnlyList<string> WroteTo(string phoneNumberId) => [.. _lastInbound.Keys.Where(k => k.Item1 == phoneNumberId).Select(k => k.Item2)];

    /// <summary>
    /// Sends are carried out (statuses by webhook) but answered only after the client has given up: the sender is in doubt,
    /// and the status naming its <c>biz_opaque_callback_data</c> is the only word on it.
    /// </summary>
    public bool AnswerLate { get; set; }

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
        return PostAsync(wabaId, "message_template_status_update", value, Options.Clock.GetUtcNow().ToUnixTimeSeconds());
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
        if (Refused(version, pnid, ctx, out var found) is { } refused) return refused;
        var number = found!;
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
            if (Given(body) != Expected(template.Body)) return Error(132000, "Number of parameters does not match the expected number of params");
        }

        var now = Options.Clock.GetUtcNow();
        var pair = (pnid, to);
        bool businessInitiated = !(_lastInbound.TryGetValue(pair, out var wrote) && now - wrote < Options.Window);
        if (_disabledWabas.ContainsKey(number.WabaId)) return Error(131031, "Business Account locked");
        if (_upgrading.TryGetValue(pnid, out var upgrading) && now < upgrading) return Error(131057, "Business Account is in maintenance mode");
        // A restricted WABA sends nothing business-initiated: outside the window every send is (368, spec §7.3).
        if (Restricted(number) && businessInitiated) return Error(368, "Temporarily blocked for policies violations");
        if (businessInitiated && StateOf(pnid).Quality == "RED" && Options.RedSpamProbability > 0 && Draw() < Options.RedSpamProbability)
            return Error(131048, "Spam rate limit hit");
        switch (Limit(pnid, to, now))
        {
            case 130429: return Error(130429, "Rate limit hit: the number's throughput was exceeded");
            case 131056: return Error(131056, "(Business Account, Consumer Account) pair rate limit hit");
        }

        var wamid = NewWamId();
        _sent.Enqueue(new MetaSent(pnid, to, wamid, body, now));
        var opaque = body["biz_opaque_callback_data"]?.GetValue<string>();
        bool inWindow = !businessInitiated;
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
        if (AnswerLate)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(60), ctx.RequestAborted); } catch (OperationCanceledException) { }
            return Results.StatusCode(504);
        }
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = body["to"]!.GetValue<string>(), wa_id = to } },
            messages = new[] { new { id = wamid } },
        });
    }

    /// <summary>Body parameters a send carries.</summary>
    static int Given(JsonObject body) =>
        (body["template"]?["components"] as JsonArray ?? []).Where(c => c?["type"]?.GetValue<string>() is "body" or "BODY")
            .Sum(c => (c!["parameters"] as JsonArray)?.Count ?? 0);

    /// <summary>Distinct <c>{{n}}</c> (or <c>{{name}}</c>) placeholders of a template's body.</summary>
    static int Expected(string body) =>
        System.Text.RegularExpressions.Regex.Matches(body, @"\{\{\s*(\w+)\s*\}\}").Select(m => m.Groups[1].Value).Distinct().Count();

    async Task SentThenDeliveredAsync(MetaNumber n, string wamid, string to, string? opaque)
    {
        List<JsonObject> statuses = [Status(wamid, to, "sent", opaque), Status(wamid, to, "delivered", opaque)];
        if (Chance(Options.ReadProbability)) statuses.Add(Status(wamid, to, "read", opaque));
        if (Chance(Options.DisorderProbability)) statuses.Reverse();
        if (Options.BatchStatuses) await PostStatusesAsync(n, [.. statuses]);
        else foreach (var s in statuses) await PostStatusesAsync(n, s);
    }

    Task<int> StatusAsync(MetaNumber n, string wamid, string to, string status, string? opaque, (int Code, string Title, string Details)? error = null) =>
        PostStatusesAsync(n, Status(wamid, to, status, opaque, error));

    JsonObject Status(string wamid, string to, string status, string? opaque, (int Code, string Title, string Details)? error = null)
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
        return s;
    }

    Task<int> PostStatusesAsync(MetaNumber n, params JsonObject[] statuses)
    {
        var value = Value(n);
        value["statuses"] = new JsonArray(statuses);
        return PostAsync(n.WabaId, "messages", value);
    }

    static JsonObject Value(MetaNumber n) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject { ["display_phone_number"] = n.DisplayNumber, ["phone_number_id"] = n.PhoneNumberId },
    };

    /// <summary>Posts one change of a WABA, escaped and signed as Meta does; retried a few times on anything but 200. Returns the last HTTP status.</summary>
    /// <param name="time">Management fields carry <c>entry.time</c> (an integer); <c>messages</c> does not.</param>
    async Task<int> PostAsync(string wabaId, string field, JsonObject value, long? time = null)
    {
        if (Options.WebhookUrl is not { } url) return 0;
        var entry = new JsonObject { ["id"] = wabaId };
        if (time is { } t) entry["time"] = t;
        entry["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = field });
        var body = MetaEscaping.Write(new JsonObject { ["object"] = "whatsapp_business_account", ["entry"] = new JsonArray(entry) });
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Options.AppSecret), bytes));
        int status = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                using var res = await _http.SendAsync(Signed(url, bytes, signature));
                status = (int)res.StatusCode;
                if (status == 200)
                {
                    Interlocked.Increment(ref _delivered);
                    // Meta delivers at least once: the same signed bytes may come again after a 200.
                    if (Chance(Options.DuplicateProbability)) await PostAgainAsync(url, bytes, signature);
                    return status;
                }
            }
            catch (HttpRequestException) { }
            await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt));
        }
        Interlocked.Increment(ref _failed);
        return status;
    }

    /// <summary>Meta's error envelope with the HTTP status Meta documents for the code (spec §3.2), counted.</summary>
    IResult Error(int code, string message)
    {
        _answered.AddOrUpdate(code, 1, (_, n) => n + 1);
        return Envelope(code, message);
    }

    static IResult Envelope(int code, string message) => Results.Json(new
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

    double Draw()
    {
        lock (_limits) return _random.NextDouble();
    }

    // No draw for a probability of 0, so a test's seeded draws (RED's 131048) do not shift with options it leaves off.
    bool Chance(double p) => p > 0 && Draw() < p;

    async Task PostAgainAsync(string url, byte[] bytes, string signature)
    {
        try { using var res = await _http.SendAsync(Signed(url, bytes, signature)); Interlocked.Increment(ref _duplicates); }
        catch (HttpRequestException) { }
    }

    static HttpRequestMessage Signed(string url, byte[] bytes, string signature)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        req.Content.Headers.ContentType = new("application/json");
        req.Headers.Add("X-Hub-Signature-256", signature);
        return req;
    }

    string NewWamId() => "wamid." + Convert.ToBase64String(Encoding.ASCII.GetBytes($"SIM{Interlocked.Increment(ref _seq):D12}"));

    public async ValueTask DisposeAsync()
    {
        await StopDoctorsAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
