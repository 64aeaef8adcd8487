namespace Julia.Providers.Notifiers;

/// <summary>Section <c>Alerts:Slack</c>. Off unless the webhook URL is set.</summary>
public sealed class SlackOptions
{
    /// <summary>The incoming webhook URL (https://hooks.slack.com/services/…). A secret: never logged.</summary>
    public string? WebhookUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);

    public IEnumerable<string> Validate()
    {
        if (Enabled && (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http")))
            yield return "Alerts:Slack:WebhookUrl must be an absolute http(s) URL";
    }
}

/// <summary>Section <c>Alerts:Telegram</c>. Off unless both the bot token and the chat id are set.</summary>
public sealed class TelegramOptions
{
    /// <summary>The Bot API server; the simulator's address in tests and the demo.</summary>
    public string BaseUrl { get; set; } = "https://api.telegram.org";
    /// <summary>The bot's token ("123456:ABC…"). A secret: never logged.</summary>
    public string? BotToken { get; set; }
    /// <summary>The chat or channel the bot posts to (a number, or @channelname).</summary>
    public string? ChatId { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken) && !string.IsNullOrWhiteSpace(ChatId);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(BotToken) != string.IsNullOrWhiteSpace(ChatId))
            yield return "Alerts:Telegram needs both BotToken and ChatId (or neither)";
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
            yield return "Alerts:Telegram:BaseUrl must be an absolute http(s) URL";
        if (BotToken is { } t && (t.Contains('/') || t.Any(char.IsWhiteSpace)))
            yield return "Alerts:Telegram:BotToken looks malformed";
    }
}
