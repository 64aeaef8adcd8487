using System.Net;
using System.Net.Http.Json;

namespace Julia.Providers.Notifiers;

/// <summary>
/// Slack incoming webhook: POST <c>{"text": …}</c> to the webhook URL. Slack answers 200 "ok"; 4xx with a short
/// reason ("no_service", "invalid_token", "invalid_payload"); 429 with Retry-After; 5xx when it is unwell.
/// </summary>
public sealed class SlackNotifier(HttpClient http, SlackOptions options) : INotifier
{
    public string Channel => "slack";

    public async Task SendAsync(AlertNotice n, CancellationToken ct)
    {
        using var response = await Http.SendAsync(Channel, () => http.PostAsJsonAsync(options.WebhookUrl, new { text = n.Text }, ct), ct);
        if (response.IsSuccessStatusCode) return;
        var body = await Http.ShortBodyAsync(response, ct);
        throw new NotifyFailedException($"slack answered {(int)response.StatusCode} {body}", Http.RetryAfter(response), (int)response.StatusCode);
    }
}

static class Http
{
    /// <summary>
    /// Sends, turning network failures and timeouts into <see cref="NotifyFailedException"/> that say what happened by
    /// kind only: an exception's own message can carry the request's address.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(string channel, Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        try { return await send(); }
        catch (HttpRequestException e) { throw new NotifyFailedException($"{channel} unreachable ({e.HttpRequestError})"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw new NotifyFailedException($"{channel} timed out"); }
    }

    public static async Task<string> ShortBodyAsync(HttpResponseMessage r, CancellationToken ct)
    {
        var body = (await r.Content.ReadAsStringAsync(ct)).ReplaceLineEndings(" ").Trim();
        return body.Length <= 120 ? body : body[..120] + "…";
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage r) =>
        r.StatusCode != HttpStatusCode.TooManyRequests ? null
        : r.Headers.RetryAfter?.Delta ?? (r.Headers.RetryAfter?.Date is { } d ? d - DateTimeOffset.UtcNow : null);
}
