using System.Net.Http.Json;
using System.Text.Json;

namespace Julia.Providers.Notifiers;

/// <summary>
/// Telegram bot: <c>POST {base}/bot{token}/sendMessage</c> with <c>chat_id</c> and <c>text</c>. Telegram answers
/// <c>{"ok":true,…}</c> or <c>{"ok":false,"error_code":429,"description":…,"parameters":{"retry_after":N}}</c>.
/// The token is in the path, so the request's address is never put in a message.
/// </summary>
public sealed class TelegramNotifier(HttpClient http, TelegramOptions options) : INotifier
{
    public string Channel => "telegram";

    public async Task SendAsync(AlertNotice n, CancellationToken ct)
    {
        var url = $"{options.BaseUrl.TrimEnd('/')}/bot{options.BotToken}/sendMessage";
        using var response = await Http.SendAsync(Channel, () => http.PostAsJsonAsync(url, new { chat_id = options.ChatId, text = n.Text }, ct), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        bool ok = false;
        string? description = null;
        TimeSpan? retryAfter = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            ok = root.TryGetProperty("ok", out var o) && o.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String) description = d.GetString();
            if (root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("retry_after", out var ra) && ra.TryGetInt32(out var seconds))
                retryAfter = TimeSpan.FromSeconds(seconds);
        }
        catch (JsonException) { description = "not JSON"; }
        if (response.IsSuccessStatusCode && ok) return;
        retryAfter ??= Http.RetryAfter(response);
        var text = (description ?? "").Replace(options.BotToken ?? "\0", "***");
        if (text.Length > 120) text = text[..120] + "…";
        throw new NotifyFailedException($"telegram answered {(int)response.StatusCode} {text}".TrimEnd(), retryAfter, (int)response.StatusCode);
    }
}
