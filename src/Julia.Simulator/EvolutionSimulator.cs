using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Julia.Simulator;

/// <summary>
/// A fake Evolution API v2 on 127.0.0.1 for N instances: sends texts, finds the texts it sent (<c>chat/findMessages</c>),
/// reports connection state, and
/// sends Evolution-shaped webhooks (send.message, messages.update receipts, connection.update,
/// qrcode.updated, and messages.upsert when a simulated doctor answers). Faults are injected per
/// instance. It only talks to loopback addresses.
/// </summary>
public sealed class EvolutionSimulator : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly Webhooks _webhooks;
    readonly ConcurrentDictionary<string, InstanceSpec> _instances = new();
    readonly ConcurrentDictionary<string, Faults> _faults = new();
    readonly ConcurrentQueue<SentText> _sent = new();
    readonly Random _random;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _pending = [];
    readonly ConcurrentDictionary<string, string> _lastInstanceFor = new();
    readonly ConcurrentDictionary<string, string> _states = new();
    readonly ConcurrentDictionary<string, WebhookConfig> _webhookConfigs = new();
    readonly ConcurrentQueue<string> _created = new();

    /// <summary>Instances created through <c>POST /instance/create</c>, in order (a name twice means a duplicate create got through).</summary>
    public IReadOnlyCollection<string> Created => _created;

    /// <summary>The whole gateway answers 503 (instance and state calls too): it is down.</summary>
    public bool Down { get; set; }

    /// <summary>The webhook <c>POST /webhook/set</c> configured for an instance, if any.</summary>
    public WebhookConfig? WebhookOf(string instance) => _webhookConfigs.GetValueOrDefault(instance);

    /// <summary>The token an instance was created with or added with (tests check what the service stored).</summary>
    public string? TokenOf(string instance) => _instances.TryGetValue(instance, out var spec) ? spec.Token : null;

    /// <summary>
    /// Sets what <c>GET /instance/connectionState</c> answers for an instance (open, close, connecting) without
    /// any webhook: the gateway's truth drifting from what its webhooks said (a lost connection.update).
    /// </summary>
    public void SetState(string instance, string state)
    {
        _states[instance] = state;
        _faults.AddOrUpdate(instance, _ => new Faults { Disconnected = state != "open" }, (_, f) => f with { Disconnected = state != "open" });
    }

    string StateOf(string instance) => _states.TryGetValue(instance, out var s) ? s : FaultsOf(instance).Disconnected ? "close" : "open";

    public SimulatorOptions Options { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyCollection<SentText> Sent => _sent;
    public long WebhooksDelivered => _webhooks.Delivered;
    public long WebhooksFailed => _webhooks.Failed;


    EvolutionSimulator(WebApplication app, SimulatorOptions options)
    {
        _app = app;
        Options = options;
        _webhooks = new Webhooks(options);
        _random = new Random(options.Seed);
    }

    public static async Task<EvolutionSimulator> StartAsync(SimulatorOptions options, string url = "http://127.0.0.1:0")
    {
        var app = Loopback.Build(url);
        var sim = new EvolutionSimulator(app, options);
        sim.Map(app);
        sim.BaseAddress = await Loopback.StartAsync(app);
        return sim;
    }

    public void AddInstance(InstanceSpec spec)
    {
        _instances[spec.Name] = spec;
        _faults.TryAdd(spec.Name, new Faults());
    }

    public void SetFaults(string instance, Faults faults) => _faults[instance] = faults;
    public Faults FaultsOf(string instance) => _faults.GetValueOrDefault(instance) ?? new Faults();

    void Map(WebApplication app)
    {
        app.MapPost("/message/sendText/{instance}", SendTextAsync);
        app.MapPost("/chat/findMessages/{instance}", FindMessages);
        app.MapGet("/instance/connectionState/{instance}", (string instance, HttpRequest req) =>
            Down ? Results.Json(new { status = 503, error = "Service Unavailable" }, statusCode: 503)
            : !Authorized(instance, req) ? Results.Json(new { status = 401, error = "Unauthorized" }, statusCode: 401)
            : Results.Ok(new { instance = new { instanceName = instance, state = StateOf(instance) } }));
        app.MapPost("/instance/create", CreateInstance);
        app.MapPost("/webhook/set/{instance}", SetWebhook);

        var control = app.MapGroup("/control");
        control.MapPost("/instances", (InstanceSpec spec) => { AddInstance(spec); return Results.Ok(); });
        control.MapPost("/instances/{name}/faults", (string name, Faults faults) => { SetFaults(name, faults); return Results.Ok(faults); });
        control.MapPost("/instances/{name}/inbound", (string name, InboundRequest r) => { Inbound(name, r.From, r.Text); return Results.Accepted(); });
        control.MapPost("/instances/{name}/connection", (string name, ConnectionRequest r) =>
            { Connection(name, r.State, r.StatusReason); return Results.Accepted(); });
        control.MapGet("/sent", () => Results.Ok(_sent.ToArray()));
        control.MapGet("/stats", () => Results.Ok(new { sent = _sent.Count, webhooksDelivered = WebhooksDelivered, webhooksFailed = WebhooksFailed }));
    }

    public sealed record InboundRequest(string From, string Text);
    public sealed record ConnectionRequest(string State, int StatusReason);
    public sealed record SendTextBody(string? Number, string? Text);

    public sealed record CreateBody(string? InstanceName, string? Token, bool? Qrcode, string? Integration);
    public sealed record SetWebhookBody(WebhookBody? Webhook);
    public sealed record WebhookBody(bool? Enabled, string? Url, Dictionary<string, string>? Headers, bool? ByEvents, bool? Base64, List<string>? Events);

    static IResult Error(int status, string error, params string[] message) =>
        Results.Json(new { status, error, response = new { message } }, statusCode: status);

    /// <summary>Evolution v2's instance creation: a new instance waits for its QR (state connecting) until paired.</summary>
    IResult CreateInstance(CreateBody body, HttpRequest req)
    {
        if (Down) return Error(503, "Service Unavailable");
        if (Options.GlobalApiKey is { } global && req.Headers["apikey"].FirstOrDefault() != global) return Error(401, "Unauthorized");
        if (string.IsNullOrWhiteSpace(body.InstanceName)) return Error(400, "Bad Request", "instanceName is required");
        if (body.Integration is not (null or "WHATSAPP-BAILEYS")) return Error(400, "Bad Request", "Invalid integration");
        var token = string.IsNullOrEmpty(body.Token) ? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) : body.Token;
        if (!_instances.TryAdd(body.InstanceName, new InstanceSpec(body.InstanceName, token, null, null)))
            return Error(403, "Forbidden", $"This name \"{body.InstanceName}\" is already in use.");
        _faults.TryAdd(body.InstanceName, new Faults());
        SetState(body.InstanceName, "connecting");
        _created.Enqueue(body.InstanceName);
        return Results.Json(new
        {
            instance = new
            {
                instanceName = body.InstanceName,
                instanceId = Guid.NewGuid().ToString(),
                integration = "WHATSAPP-BAILEYS",
                status = "connecting"
            },
            hash = token,
            qrcode = body.Qrcode == true ? new { pairingCode = (string?)null, code = NewQrCode(), base64 = QrImage, count = 1 } : null,
        }, statusCode: 201);
    }

    /// <summary>Evolution v2's webhook settings: the URL and headers every later event of the instance goes with.</summary>
    IResult SetWebhook(string instance, SetWebhookBody body, HttpRequest req)
    {
        if (Down) return Error(503, "Service Unavailable");
        if (!_instances.TryGetValue(instance, out var spec)) return Error(404, "Not Found", $"The \"{instance}\" instance does not exist");
        var key = req.Headers["apikey"].FirstOrDefault();
        if (key != spec.Token && (Options.GlobalApiKey is null || key != Options.GlobalApiKey)) return Error(401, "Unauthorized");
        if (body.Webhook is not { Url: { Length: > 0 } url } w) return Error(400, "Bad Request", "webhook.url is required");
        var headers = w.Headers ?? [];
        var config = new WebhookConfig(w.Enabled ?? true, url, headers, w.Events ?? []);
        _webhookConfigs[instance] = config;
        var secret = headers.FirstOrDefault(h => string.Equals(h.Key, "X-Webhook-Secret", StringComparison.OrdinalIgnoreCase)).Value;
        _instances[instance] = spec = spec with { WebhookUrl = config.Enabled ? url : null, WebhookSecret = secret };
        // A new instance shows its pairing QR as soon as anyone listens.
        if (StateOf(instance) != "open" && config.Events.Any(e => e.Equals("QRCODE_UPDATED", StringComparison.OrdinalIgnoreCase))) QrCode(instance);
        return Results.Json(new { webhook = new { instanceName = instance, webhook = new { url, headers, enabled = config.Enabled, events = config.Events } } },
            statusCode: 201);
    }

    const string QrImage = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    static string NewQrCode() => "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    bool Authorized(string instance, HttpRequest req) =>
        _instances.TryGetValue(instance, out var spec) && req.Headers.TryGetValue("apikey", out var key) && key == spec.Token;

    async Task<IResult> SendTextAsync(string instance, SendTextBody body, HttpRequest req, CancellationToken ct)
    {
        if (!_instances.TryGetValue(instance, out var spec)) return Results.Json(new
        {
            status = 404,
            error = "Not Found",
            response = new { message = $"The \"{instance}\" instance does not exist" }
        }, statusCode: 404);
        if (!Authorized(instance, req)) return Results.Json(new { status = 401, error = "Unauthorized" }, statusCode: 401);
        if (string.IsNullOrEmpty(body.Number) || string.IsNullOrEmpty(body.Text)) return Results.Json(new { status = 400, error = "Bad Request" },
            statusCode: 400);
        var f = FaultsOf(instance);
        if (f.LatencyMs > 0) await Task.Delay(f.LatencyMs, ct);
        double roll;
        lock (_random) roll = _random.NextDouble();
        if (f.TimeoutRate > 0 && roll < f.TimeoutRate)
        {
            await Task.Delay(TimeSpan.FromSeconds(60), ct); // the client gives up first
            return Results.StatusCode(504);
        }
        if (f.Banned) return Results.Json(new
        {
            status = 403,
            error = "Forbidden",
            response = new { message = "account banned: this number is restricted for spam" }
        }, statusCode: 403);
        if (f.RateLimited) return Results.Json(new { status = 429, error = "rate-overlimit" }, statusCode: 429);
        if (f.Disconnected) return Results.Json(new { status = 500, error = "Connection Closed" }, statusCode: 500);
        if (f.ErrorRate > 0 && roll < f.ErrorRate) return Results.Json(new { status = 500, error = "Internal Server Error" }, statusCode: 500);

        var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var now = Options.Clock.GetUtcNow();
        var jid = Jid(body.Number);
        _sent.Enqueue(new SentText(instance, body.Number, body.Text, id, now));
        _lastInstanceFor[body.Number.TrimStart('+')] = instance;
        if (Options.Receipts || Options.ReplyProbability > 0) Track(AfterSendAsync(spec, jid, id, body.Text, f));
        if (f.AnswerLate)
        {
            // Carried out, and never answered in time: the client gives up (its token ends this wait) and is in doubt.
            try { await Task.Delay(TimeSpan.FromSeconds(60), ct); } catch (OperationCanceledException) { }
            return Results.StatusCode(504);
        }
        return Results.Ok(new
        {
            key = new { remoteJid = jid, fromMe = true, id },
            pushName = "",
            status = "PENDING",
            message = new { conversation = body.Text },
            messageType = "conversation",
            messageTimestamp = now.ToUnixTimeSeconds(),
        });
    }

    public sealed record FindMessagesBody(FindWhere? Where, int? Page, int? Offset);
    public sealed record FindWhere(FindKey? Key, FindTimestamp? MessageTimestamp);
    public sealed record FindKey(string? RemoteJid, bool? FromMe, string? Id);
    public sealed record FindTimestamp(DateTimeOffset? Gte, DateTimeOffset? Lte);

    /// <summary>
    /// Evolution v2's <c>POST /chat/findMessages/{instance}</c> over the texts this instance sent (every one fromMe): the
    /// key filters, the timestamp filter (only with both gte and lte, as Evolution), newest first, <c>offset</c> per page.
    /// </summary>
    IResult FindMessages(string instance, FindMessagesBody body, HttpRequest req)
    {
        if (Down || FaultsOf(instance).LookupDown) return Error(503, "Service Unavailable");
        if (!_instances.ContainsKey(instance)) return Error(404, "Not Found", $"The \"{instance}\" instance does not exist");
        if (!Authorized(instance, req)) return Error(401, "Unauthorized");
        var key = body.Where?.Key;
        var ts = body.Where?.MessageTimestamp;
        var all = _sent.Where(s => s.Instance == instance && key?.FromMe != false
                                   && (key?.Id is null || s.MessageId == key.Id)
                                   && (key?.RemoteJid is null || Jid(s.Number) == key.RemoteJid)
                                   && (ts?.Gte is not { } gte || ts.Lte is not { } lte
                                       || (s.At.ToUnixTimeSeconds() >= gte.ToUnixTimeSeconds() && s.At.ToUnixTimeSeconds() <= lte.ToUnixTimeSeconds())))
            .OrderByDescending(s => s.At).ToList();
        int size = body.Offset is > 0 and var o ? o : 50, page = body.Page is > 0 and var p ? p : 1;
        var records = all.Skip(size * (page - 1)).Take(size).Select(s => new
        {
            id = s.MessageId,
            key = new { remoteJid = Jid(s.Number), fromMe = true, id = s.MessageId },
            pushName = "Você",
            messageType = "conversation",
            message = new { conversation = s.Text },
            messageTimestamp = s.At.ToUnixTimeSeconds(),
            instanceId = instance,
            source = "web",
        });
        return Results.Ok(new { messages = new { total = all.Count, pages = (all.Count + size - 1) / size, currentPage = page, records } });
    }

    static string Jid(string number) => number.TrimStart('+') + "@s.whatsapp.net";

    async Task AfterSendAsync(InstanceSpec spec, string jid, string id, string text, Faults f)
    {
        if (Options.Receipts) await ReceiptsAsync(spec, jid, id, text, f);
        bool replies, optOut;
        lock (_random) { replies = _random.NextDouble() < Options.ReplyProbability; optOut = _random.NextDouble() < Options.OptOutProbability; }
        if (!replies) return;
        await Task.Delay(Options.ReplyDelay, _stop.Token);
        string answer;
        lock (_random) answer = optOut ? "PARE" : DoctorLines.Replies[_random.Next(DoctorLines.Replies.Length)];
        Inbound(spec.Name, jid.Split('@')[0], answer);
    }

    async Task ReceiptsAsync(InstanceSpec spec, string jid, string id, string text, Faults f)
    {
        Emit(spec, "send.message", new
        {
            key = new { remoteJid = jid, fromMe = true, id },
            status = "PENDING",
            message = new { conversation = text },
            messageType = "conversation",
            messageTimestamp = Options.Clock.GetUtcNow().ToUnixTimeSeconds(),
            source = "web",
        }, f);
        string[] receipts = f.OutOfOrder ? ["SERVER_ACK", "READ", "DELIVERY_ACK"] : ["SERVER_ACK", "DELIVERY_ACK", "READ"];
        foreach (var status in receipts)
        {
            await Task.Delay(Options.ReceiptDelay, _stop.Token);
            Emit(spec, "messages.update", new { keyId = id, remoteJid = jid, fromMe = true, status, instanceId = spec.Name }, f);
        }
    }

    /// <summary>A doctor writes to one of our numbers.</summary>
    public void Inbound(string instance, string fromPhone, string text, string? messageId = null)
    {
        if (!_instances.TryGetValue(instance, out var spec)) return;
        var phoneJid = Jid(fromPhone);
        var id = messageId ?? "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        object key = spec.UseLid
            ? new { remoteJid = Math.Abs(phoneJid.GetHashCode()) + "@lid", remoteJidAlt = phoneJid, addressingMode = "lid", fromMe = false, id }
            : new { remoteJid = phoneJid, fromMe = false, id };
        Emit(spec, "messages.upsert", new
        {
            key,
            pushName = "Dr(a). Simulado",
            status = "DELIVERY_ACK",
            message = new { conversation = text },
            messageType = "conversation",
            messageTimestamp = Options.Clock.GetUtcNow().ToUnixTimeSeconds(),
            source = "android",
        }, FaultsOf(instance));
    }

    /// <summary>
    /// Doctors who write first, now and then: each picks the number that last wrote to them, or any
    /// connected one. This is the inbound traffic a recruiting line gets; it is not our numbers talking.
    /// </summary>
    public void StartDoctors(IReadOnlyList<string> phones, TimeSpan every)
    {
        Track(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try { await Task.Delay(every, _stop.Token); } catch (OperationCanceledException) { return; }
                string phone, text;
                lock (_random)
                {
                    phone = phones[_random.Next(phones.Count)].TrimStart('+');
                    text = DoctorLines.Replies[_random.Next(DoctorLines.Replies.Length)];
                }
                var open = _instances.Keys.Where(i => !FaultsOf(i).Disconnected).ToList();
                if (open.Count == 0) continue;
                string instance;
                lock (_random) instance = _lastInstanceFor.TryGetValue(phone, out var last) && open.Contains(last) ? last : open[_random.Next(open.Count)];
                Inbound(instance, phone, text);
            }
        }));
    }

    /// <summary>The gateway reports a connection change (e.g. close with 401 logged out, 403 restricted).</summary>
    public void Connection(string instance, string state, int statusReason)
    {
        if (!_instances.TryGetValue(instance, out var spec)) return;
        SetState(instance, state);
        Emit(spec, "connection.update", new { instance, wuid = Jid(spec.Phone ?? ""), state, statusReason }, FaultsOf(instance));
    }

    public void QrCode(string instance)
    {
        if (_instances.TryGetValue(instance, out var spec))
            Emit(spec, "qrcode.updated", new { qrcode = new { instance, pairingCode = (string?)null, code = NewQrCode(), base64 = QrImage } }, new Faults());
    }

    void Emit(InstanceSpec spec, string evt, object data, Faults f)
    {
        var body = new
        {
            @event = evt,
            instance = spec.Name,
            data,
            destination = Options.WebhookUrl,
            date_time = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            sender = Jid(spec.Phone ?? ""),
            server_url = BaseAddress?.ToString().TrimEnd('/'),
            apikey = spec.Token,
        };
        bool dup;
        lock (_random) dup = f.DuplicateRate > 0 && _random.NextDouble() < f.DuplicateRate;
        for (int i = 0; i < (dup ? 3 : 1); i++) _webhooks.Send(spec, body);
    }

    void Track(Task t)
    {
        lock (_pending)
        {
            _pending.RemoveAll(x => x.IsCompleted);
            _pending.Add(t);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Task[] pending;
        lock (_pending) pending = [.. _pending];
        try { await Task.WhenAll(pending); } catch (OperationCanceledException) { }
        await _webhooks.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
