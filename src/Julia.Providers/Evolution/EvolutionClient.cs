using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Julia.Domain.Sending;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Julia.Providers.Evolution;

/// <summary>
/// Evolution API v2: <c>POST /message/sendText/{instance}</c> with the instance token in <c>apikey</c>.
/// Each call runs through a Polly pipeline (per-attempt timeout, a few jittered retries for 5xx,
/// network errors and timeouts, none for 4xx), and every failure ends classified. A send is not retried after a
/// timeout: the gateway may be carrying it out (a frozen gateway did, 137 times twice), and it takes no idempotency key,
/// so a timed-out send is answered as a timeout, in doubt, for the send policy and <see cref="FindSentAsync"/>.
/// </summary>
public sealed class EvolutionClient : IMessageGateway
{
    readonly HttpClient _http;
    readonly ResiliencePipeline<HttpResponseMessage> _pipeline, _sendPipeline;
    readonly EvolutionOptions _options;
    readonly TimeProvider _time;

    /// <param name="time">Polly's timers and delays.</param>
    /// <param name="clock">The service's clock, which the gateway's message times are compared with (tests move both).</param>
    public EvolutionClient(HttpClient http, EvolutionOptions options, TimeProvider? time = null, TimeProvider? clock = null)
    {
        _http = http;
        _options = options;
        _time = clock ?? time ?? TimeProvider.System;
        _pipeline = Pipeline(options, time ?? TimeProvider.System, retryTimeouts: true);
        _sendPipeline = Pipeline(options, time ?? TimeProvider.System, retryTimeouts: false);
    }

    static ResiliencePipeline<HttpResponseMessage> Pipeline(EvolutionOptions options, TimeProvider time, bool retryTimeouts)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.Retries > 0)
        {
            // Transient only: network errors, 5xx, and timeouts where asking twice is harmless. A 4xx will not change on retry.
            var handle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.RequestTimeout);
            if (retryTimeouts) handle = handle.Handle<TimeoutRejectedException>();
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = handle,
                OnRetry = a => { a.Outcome.Result?.Dispose(); return default; },
            });
        }
        return pipeline.AddTimeout(options.AttemptTimeout).Build();
    }

    public async Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct)
    {
        try
        {
            using var res = await _sendPipeline.ExecuteAsync(async token =>
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, $"message/sendText/{Uri.EscapeDataString(from.Instance)}")
                {
                    Content = JsonContent.Create(new { number = toE164.TrimStart('+'), text }),
                };
                if (from.Token is not null) req.Headers.Add("apikey", from.Token);
                return await _http.SendAsync(req, token);
            }, ct);
            var body = await res.Content.ReadAsStringAsync(ct);
            if (res.IsSuccessStatusCode)
            {
                var id = MessageId(body);
                return id is null
                    ? new SendResult(SendOutcome.Transient, SendConcern.Chip, Detail: "gateway answered without a message id")
                    : SendResult.Sent(id);
            }
            return Classify((int)res.StatusCode, body);
        }
        catch (TimeoutRejectedException)
        {
            return new SendResult(SendOutcome.Timeout, SendConcern.Chip, Detail: "no answer in time");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendOutcome.Transient, SendConcern.Chip, Detail: "network: " + e.Message);
        }
    }

    /// <summary>
    /// Whether <paramref name="text"/> went from this instance to <paramref name="toE164"/> since <paramref name="since"/>, by
    /// the gateway's own record of its messages (<see cref="EvolutionLookup"/>). Unknown when the gateway does not answer or
    /// the answer cannot be read, or when there are more messages than a few pages hold: only the gateway's word settles it.
    /// </summary>
    public async Task<SendLookup> FindSentAsync(GatewayTarget from, string toE164, string text, DateTimeOffset since, CancellationToken ct)
    {
        const int MaxPages = 20;
        var now = _time.GetUtcNow();
        try
        {
            for (int page = 1; page <= MaxPages; page++)
            {
                var (status, body) = await CallAsync(HttpMethod.Post, $"chat/findMessages/{Uri.EscapeDataString(from.Instance)}", from.Token,
                    EvolutionLookup.Query(since, now, page), "find messages", ct);
                if (status is < 200 or >= 300) return SendLookup.Unknown($"find messages answered {status}");
                if (EvolutionLookup.Read(body, toE164, text, since, page) is { } answer) return answer;
            }
            return SendLookup.Unknown($"more than {MaxPages * EvolutionLookup.PageSize} messages sent since; not looked through");
        }
        catch (ProviderException e) { return SendLookup.Unknown(e.Message); }
    }

    /// <summary>
    /// <c>POST /instance/create</c> <c>{instanceName, token, qrcode: true, integration: "WHATSAPP-BAILEYS"}</c> with the
    /// server's global key (<see cref="EvolutionOptions.ApiKey"/>). False when an instance of this name already
    /// exists: our names are unique per provisioning request, so it is the one an earlier attempt created.
    /// Throws <see cref="ProviderException"/>.
    /// </summary>
    public async Task<bool> CreateInstanceAsync(string instance, string token, CancellationToken ct)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "instance/create", _options.ApiKey,
            new { instanceName = instance, token, qrcode = true, integration = "WHATSAPP-BAILEYS" }, "create instance", ct);
        if (status is >= 200 and < 300) return true;
        // Evolution answers a taken name with 403 (older versions 400/409) and "already in use".
        if (status is 400 or 403 or 409 && body.Contains("already in use", StringComparison.OrdinalIgnoreCase)) return false;
        throw ProviderException.FromStatus("create instance", status, body);
    }

    /// <summary>
    /// <c>POST /webhook/set/{instance}</c> <c>{webhook: {enabled, url, headers, byEvents, base64, events}}</c>: where the
    /// instance's events go, with the headers (our per-instance secret) they carry. Setting it again replaces it.
    /// </summary>
    public async Task SetWebhookAsync(GatewayTarget target, string url, IReadOnlyList<string> events, IReadOnlyDictionary<string, string> headers,
                                      CancellationToken ct)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, $"webhook/set/{Uri.EscapeDataString(target.Instance)}", target.Token ?? _options.ApiKey,
            new { webhook = new { enabled = true, url, headers, byEvents = false, base64 = false, events } }, "set webhook", ct);
        if (status is < 200 or >= 300) throw ProviderException.FromStatus("set webhook", status, body);
    }

    /// <summary>
    /// <c>GET /instance/connectionState/{instance}</c> → <c>{instance: {instanceName, state}}</c>: open, close or connecting.
    /// Throws <see cref="ProviderException"/> when the gateway cannot say (unknown is not closed).
    /// </summary>
    public async Task<string> ConnectionStateAsync(GatewayTarget target, CancellationToken ct)
    {
        var (status, body) = await CallAsync(HttpMethod.Get, $"instance/connectionState/{Uri.EscapeDataString(target.Instance)}", target.Token, null,
            "connection state", ct);
        if (status is < 200 or >= 300) throw ProviderException.FromStatus("connection state", status, body);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            // v2 nests it under "instance"; some versions answer {state} at the top.
            var holder = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("instance", out var i) && i.ValueKind == JsonValueKind.Object ? i : root;
            if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("state", out var st) && st.ValueKind == JsonValueKind.String
                && st.GetString() is { Length: > 0 } state)
                return state;
        }
        catch (JsonException) { }
        throw new ProviderException("connection state: the answer has no state", permanent: false, status);
    }

    async Task<(int Status, string Body)> CallAsync(HttpMethod method, string path, string? apikey, object? json, string what, CancellationToken ct)
    {
        try
        {
            using var res = await _pipeline.ExecuteAsync(async token =>
            {
                using var req = new HttpRequestMessage(method, path);
                if (json is not null) req.Content = JsonContent.Create(json);
                if (apikey is not null) req.Headers.Add("apikey", apikey);
                return await _http.SendAsync(req, token);
            }, ct);
            return ((int)res.StatusCode, await res.Content.ReadAsStringAsync(ct));
        }
        catch (TimeoutRejectedException) { throw new ProviderException($"{what}: no answer in time", permanent: false); }
        catch (HttpRequestException e) { throw new ProviderException($"{what}: gateway unreachable: {e.Message}", permanent: false); }
    }

    /// <summary>
    /// Reads an Evolution error answer: its class, and whether it is about the number, the recipient or the message.
    /// The provider's code is the HTTP status (Evolution has no error codes of its own).
    /// </summary>
    public static SendResult Classify(int status, string body)
    {
        var text = body.Length > 500 ? body[..500] : body;
        var lower = body.ToLowerInvariant();
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status == 429 || lower.Contains("rate-overlimit") || lower.Contains("rate limit"))
            return new SendResult(SendOutcome.RateLimited, SendConcern.Chip, null, code, $"{status} rate limited");
        if (status == 403 || lower.Contains("banned") || lower.Contains("restricted") || lower.Contains("spam"))
            return new SendResult(SendOutcome.SpamRestriction, SendConcern.Chip, null, code, $"{status} {text}");
        if (status >= 500 || status == 408)
            return new SendResult(SendOutcome.Transient, SendConcern.Chip, null, code, $"{status} {text}");
        // 401/404: this instance's token or name is wrong: another number may work. 400: the recipient (not on
        // WhatsApp: Evolution answers "exists": false for the number) or the message is the problem: no number will do better.
        var concerns = status is 401 or 404 ? SendConcern.Chip : NotOnWhatsApp(lower) ? SendConcern.Contact : SendConcern.Message;
        return new SendResult(SendOutcome.Permanent, concerns, null, code, $"{status} {text}");
    }

    static bool NotOnWhatsApp(string lowerBody) => lowerBody.Replace(" ", "").Contains("\"exists\":false");

    static string? MessageId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("key", out var key) && key.TryGetProperty("id", out var id) ? id.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
