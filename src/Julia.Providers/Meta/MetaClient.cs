using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Julia.Domain.Sending;

namespace Julia.Providers.Meta;

/// <summary>
/// The WhatsApp Cloud API's <c>POST /{version}/{phone-number-id}/messages</c> (spec §2): text, templates, reply context and
/// mark-as-read, with the token in the Authorization header only. Errors are read by <c>error.code</c> through
/// <see cref="MetaErrors"/>. Meta has no idempotency key, so a send is never posted twice by this client: one attempt, and a
/// timeout is answered as a timeout (the status webhook, which echoes <c>biz_opaque_callback_data</c>, says whether it went);
/// only a connection that was refused before anything was sent is retried, once.
/// </summary>
public sealed class MetaClient(HttpClient http, TimeSpan attemptTimeout) : IMessageGateway
{
    /// <summary>The seam's plain text send: default Graph version, no reply, no message id of ours.</summary>
    public Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct) =>
        SendAsync(new MetaTarget(from.Instance, from.Token ?? ""), new MetaOutgoing(toE164, null, Text: text), ct);

    /// <summary>Meta has no way to ask about a message: its status webhook, naming our id, is the only word on a send in doubt.</summary>
    public Task<SendLookup> FindSentAsync(GatewayTarget from, string toE164, string text, DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult(SendLookup.Unknown("Meta has no lookup; waiting for its status webhook"));

    public async Task<SendResult> SendAsync(MetaTarget from, MetaOutgoing m, CancellationToken ct)
    {
        if ((m.Text is null) == (m.Template is null)) throw new ArgumentException("a message is either text or a template", nameof(m));
        var (status, body, failure) = await PostAsync(from, "messages", Body(m), ct);
        if (failure is not null) return failure;
        if (status is >= 200 and < 300)
        {
            var id = WamId(body);
            return id is null
                ? new SendResult(SendOutcome.Timeout, SendConcern.Chip, Detail: "accepted without a message id: the status webhook will tell")
                : SendResult.Sent(id);
        }
        var (code, detail) = Error(body);
        return MetaErrors.Classify(code, detail, status);
    }

    /// <summary>Marks the doctor's message (and the ones before it) read; with <paramref name="typing"/>, shows "typing…" until the reply (≤ 25 s).</summary>
    public async Task<SendResult> MarkReadAsync(MetaTarget from, string wamid, bool typing, CancellationToken ct)
    {
        var json = new JsonObject { ["messaging_product"] = "whatsapp", ["status"] = "read", ["message_id"] = wamid };
        if (typing) json["typing_indicator"] = new JsonObject { ["type"] = "text" };
        var (status, body, failure) = await PostAsync(from, "messages", json, ct);
        if (failure is not null) return failure;
        if (status is >= 200 and < 300) return SendResult.Sent(wamid);
        var (code, detail) = Error(body);
        return MetaErrors.Classify(code, detail, status);
    }

    /// <summary>
    /// The number's standing: <c>GET /{version}/{phone-number-id}?fields=</c><see cref="MetaStandingJson.Fields"/> (spec §2.7),
    /// read into <see cref="MetaPhoneStanding"/>. No answer in time, a network error or an error answer is a
    /// <see cref="ProviderException"/> (with Meta's code): the standing stays as it was.
    /// </summary>
    public async Task<MetaPhoneStanding> GetStandingAsync(MetaTarget from, CancellationToken ct)
    {
        var path = $"{Uri.EscapeDataString(from.GraphVersion)}/{Uri.EscapeDataString(from.PhoneNumberId)}?fields={MetaStandingJson.Fields}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(attemptTimeout);
        string body;
        int status;
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, path);
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
            using var res = await http.SendAsync(req, timeout.Token);
            (status, body) = ((int)res.StatusCode, await res.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException("Graph API: no answer in time for the number's standing", permanent: false);
        }
        catch (HttpRequestException e)
        {
            throw new ProviderException("Graph API unreachable: " + e.Message, permanent: false);
        }
        if (status is < 200 or >= 300)
        {
            var (code, detail) = Error(body);
            throw new ProviderException($"Graph API {status} code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: {detail}",
                permanent: status is >= 400 and < 500 and not 429, status);
        }
        try { return MetaStandingJson.Parse(body); }
        catch (JsonException) { throw new ProviderException("Graph API answered the standing with a body that is not JSON", permanent: false, status); }
    }

    /// <summary>The JSON Meta takes (spec §2.1–2.2): <c>to</c> with <c>+</c>, our id in <c>biz_opaque_callback_data</c>.</summary>
    public static JsonObject Body(MetaOutgoing m)
    {
        var json = new JsonObject { ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = m.ToE164 };
        if (m.Text is { } text)
        {
            json["type"] = "text";
            json["text"] = new JsonObject { ["body"] = text, ["preview_url"] = false };
        }
        else
        {
            var t = m.Template!;
            var template = new JsonObject { ["name"] = t.Name, ["language"] = new JsonObject { ["code"] = t.Language } };
            if (t.BodyParameters.Count > 0)
                template["components"] = new JsonArray(new JsonObject
                {
                    ["type"] = "body",
                    ["parameters"] = new JsonArray([.. t.BodyParameters.Select(p => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = p })]),
                });
            json["type"] = "template";
            json["template"] = template;
        }
        if (m.ReplyTo is { } quoted) json["context"] = new JsonObject { ["message_id"] = quoted };
        if (m.OurId is { } ours) json["biz_opaque_callback_data"] = MetaOpaque.For(ours);
        return json;
    }

    async Task<(int Status, string Body, SendResult? Failure)> PostAsync(MetaTarget from, string what, JsonObject json, CancellationToken ct)
    {
        var path = $"{Uri.EscapeDataString(from.GraphVersion)}/{Uri.EscapeDataString(from.PhoneNumberId)}/{what}";
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(attemptTimeout);
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new StringContent(json.ToJsonString(), Encoding.UTF8,
                    "application/json")
                };
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
                using var res = await http.SendAsync(req, timeout.Token);
                return ((int)res.StatusCode, await res.Content.ReadAsStringAsync(timeout.Token), null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The request may have reached Meta: posting it again could send it twice. The status webhook will tell.
                return (0, "", new SendResult(SendOutcome.Timeout, SendConcern.Chip,
                    Detail: "no answer in time; not posted again (the status webhook will tell)"));
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && attempt == 1)
            {
                // Refused before anything was sent: safe to try once more.
            }
            catch (HttpRequestException e)
            {
                var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
                return (0, "", new SendResult(refused ? SendOutcome.Transient : SendOutcome.Timeout, SendConcern.Chip,
                    Detail: refused ? "Graph API unreachable (connection refused)" : "network error after the request may have gone; not posted again"));
            }
        }
    }

    static string? WamId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var m in MetaJson.Arr(doc.RootElement, "messages")) return MetaJson.Str(m, "id");
            return null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Meta's error envelope <c>{"error":{"code","message","error_data":{"details"},"fbtrace_id"}}</c>: the code, and a text with the trace
    /// id.</summary>
    static (int? Code, string? Detail) Error(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var e = MetaJson.Obj(doc.RootElement, "error");
            int? code = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number
                && c.TryGetInt32(out var n) ? n : null;
            var text = MetaJson.Str(MetaJson.Obj(e, "error_data"), "details") ?? MetaJson.Str(e, "message");
            var trace = MetaJson.Str(e, "fbtrace_id");
            return (code, trace is null ? text : $"{text} (fbtrace_id {trace})");
        }
        catch (JsonException) { return (null, body.Length > 200 ? body[..200] : body); }
    }
}
