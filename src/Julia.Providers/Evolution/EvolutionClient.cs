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
/// network errors and timeouts, none for 4xx), and every failure ends classified.
/// </summary>
public sealed class EvolutionClient : IMessageGateway
{
    readonly HttpClient _http;
    readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public EvolutionClient(HttpClient http, EvolutionOptions options, TimeProvider? time = null)
    {
        _http = http;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System };
        if (options.Retries > 0)
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Transient only: network errors, timeouts, 5xx. A 4xx will not change on retry.
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.RequestTimeout),
                OnRetry = a => { a.Outcome.Result?.Dispose(); return default; },
            });
        _pipeline = pipeline.AddTimeout(options.AttemptTimeout).Build();
    }

    public async Task<SendResult> SendTextAsync(GatewayTarget from, string toE164, string text, CancellationToken ct)
    {
        try
        {
            using var res = await _pipeline.ExecuteAsync(async token =>
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
                    ? new SendResult(SendOutcome.Transient, null, "gateway answered without a message id", true)
                    : SendResult.Sent(id);
            }
            return Classify((int)res.StatusCode, body);
        }
        catch (TimeoutRejectedException)
        {
            return new SendResult(SendOutcome.Timeout, null, "no answer in time", true);
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendOutcome.Transient, null, "network: " + e.Message, true);
        }
    }

    /// <summary>Maps an Evolution error answer to what it means for the chip and the message.</summary>
    public static SendResult Classify(int status, string body)
    {
        var text = body.Length > 500 ? body[..500] : body;
        var lower = body.ToLowerInvariant();
        if (status == 429 || lower.Contains("rate-overlimit") || lower.Contains("rate limit"))
            return new SendResult(SendOutcome.RateLimited, null, $"{status} rate limited", false);
        if (status == 403 || lower.Contains("banned") || lower.Contains("restricted") || lower.Contains("spam"))
            return new SendResult(SendOutcome.SpamRestriction, null, $"{status} {text}", false);
        if (status >= 500 || status == 408)
            return new SendResult(SendOutcome.Transient, null, $"{status} {text}", true);
        // 401/404: this instance's token or name is wrong: another number may work. 400: the message
        // or the recipient is the problem (e.g. not on WhatsApp): no number will do better.
        return new SendResult(SendOutcome.Permanent, null, $"{status} {text}", status is 401 or 404);
    }

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
