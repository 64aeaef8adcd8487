using System.Net.Http.Json;
using System.Text.Json;
using Polly;
using Polly.Timeout;

namespace Julia.Providers.Provisioning;

/// <summary>
/// A Salvy-like number API: <c>POST /v1/numbers</c> <c>{"ddd":11}</c> with <c>Authorization: Bearer</c> and an
/// <c>Idempotency-Key</c>, answered <c>{"id","phone","status"}</c>. One attempt per call under a timeout: the
/// caller's request row owns retries (durable, backing off), and the idempotency key makes them safe.
/// </summary>
public sealed class SalvyClient : INumberProvider
{
    readonly HttpClient _http;
    readonly SalvyOptions _options;
    readonly ResiliencePipeline _timeout;

    public SalvyClient(HttpClient http, SalvyOptions options, TimeProvider? time = null)
    {
        _http = http;
        _options = options;
        _timeout = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }.AddTimeout(options.AttemptTimeout).Build();
    }

    sealed record Answer(string? Id, string? Phone, string? Status);

    public async Task<BoughtNumber> BuyAsync(int? ddd, string idempotencyKey, CancellationToken ct)
    {
        if (_http.BaseAddress is null) throw new ProviderException("number provider not configured (Salvy:BaseUrl)", permanent: true);
        try
        {
            return await _timeout.ExecuteAsync(async token =>
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, "v1/numbers") { Content = JsonContent.Create(new { ddd }) };
                req.Headers.Add("Idempotency-Key", idempotencyKey);
                if (_options.ApiKey is not null) req.Headers.Authorization = new("Bearer", _options.ApiKey);
                using var res = await _http.SendAsync(req, token);
                var body = await res.Content.ReadAsStringAsync(token);
                if (!res.IsSuccessStatusCode) throw ProviderException.FromStatus("number provider", (int)res.StatusCode, body);
                Answer? a;
                try { a = JsonSerializer.Deserialize<Answer>(body, JsonSerializerOptions.Web); }
                catch (JsonException) { a = null; }
                if (a?.Id is not { Length: > 0 } id || a.Phone is not { Length: > 0 } phone)
                    throw new ProviderException("number provider answered without a number id or phone", permanent: false);
                if (a.Status is { } s && !string.Equals(s, "active", StringComparison.OrdinalIgnoreCase))
                    throw new ProviderException($"number provider answered with a number in status {s}", permanent: false);
                return new BoughtNumber(id, phone);
            }, ct);
        }
        catch (TimeoutRejectedException) { throw new ProviderException("number provider: no answer in time", permanent: false); }
        catch (HttpRequestException e) { throw new ProviderException("number provider unreachable: " + e.Message, permanent: false); }
    }
}
