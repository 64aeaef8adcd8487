using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Julia.Domain.Sending;
using Julia.Grains;
using Julia.Storage.Inbox;
using Microsoft.Extensions.Options;

namespace Julia.Server.Inbound;

/// <summary>Section <c>Agent</c>: where doctors' messages go.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>The agent's endpoint; without it messages are only readable with GET /v1/inbound.</summary>
    public string? InboundUrl { get; set; }
    /// <summary>HMAC-SHA256 key for <c>X-Julia-Signature: sha256=&lt;hex&gt;</c> over the raw body.</summary>
    public string? SigningSecret { get; set; }
    public int MaxAttempts { get; set; } = 10;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed record InboundJson(long Id, long ChipId, string ChipPhone, string Contact, string? PushName, string? Text, string Intent,
                                 DateTimeOffset SentAt, DateTimeOffset ReceivedAt)
{
    public static InboundJson From(InboundMessage m) => new(m.Id, m.ChipId, m.ChipPhone, m.Contact, m.PushName, m.Text, m.Intent, m.SentAt, m.ReceivedAt);
}

/// <summary>
/// POSTs each doctor message to the agent, signed, in order of arrival per pass; retries with
/// backoff and dead-letters after <c>MaxAttempts</c>. At least once: the agent dedupes on <c>id</c>.
/// </summary>
public sealed class AgentForwarder(InboundStore store, IOptions<AgentOptions> options, IHttpClientFactory http, Clock time, ILogger<AgentForwarder> log)
    : Workers.PollingWorker(log)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    protected override bool Enabled => options.Value.InboundUrl is not null;
    protected override TimeSpan PollInterval => TimeSpan.FromMilliseconds(250);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var items = await store.ClaimForwardAsync(32, options.Value.Timeout * 2, time.GetUtcNow(), ct);
        var client = http.CreateClient("agent");
        foreach (var item in items)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(InboundJson.From(item.Message), Json);
            string? error = null;
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, options.Value.InboundUrl) { Content = new ByteArrayContent(body) };
                req.Content.Headers.ContentType = new("application/json");
                if (options.Value.SigningSecret is not null) req.Headers.Add("X-Julia-Signature", Sign(options.Value.SigningSecret, body));
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(options.Value.Timeout);
                using var res = await client.SendAsync(req, cts.Token);
                if (!res.IsSuccessStatusCode) error = $"agent answered {(int)res.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { error = e.Message; }
            bool dead = error is not null && item.Attempts >= options.Value.MaxAttempts;
            var next = error is null ? (DateTimeOffset?)null
                : time.GetUtcNow() + Backoff.For(item.Attempts, options.Value.RetryBaseDelay, TimeSpan.FromMinutes(5), Random.Shared.NextDouble());
            await store.ForwardedAsync(item.Message.Id, error, next, dead, ct);
        }
        return items.Count;
    }
}
