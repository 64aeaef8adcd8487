using Microsoft.Extensions.Options;

namespace Julia.Providers.Notifiers;

public sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(TelegramOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.BotToken) != string.IsNullOrWhiteSpace(o.ChatId))
            yield return "Alerts:Telegram needs both BotToken and ChatId (or neither)";
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
            yield return "Alerts:Telegram:BaseUrl must be an absolute http(s) URL";
        if (o.BotToken is { } t && (t.Contains('/') || t.Any(char.IsWhiteSpace)))
            yield return "Alerts:Telegram:BotToken looks malformed";
    }
}
