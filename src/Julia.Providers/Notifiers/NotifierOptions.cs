namespace Julia.Providers.Notifiers;

/// <summary>Section <c>Alerts:Slack</c>. Off unless the webhook URL is set.</summary>
public sealed class SlackOptions
{
    public const string Section = "Alerts:Slack";

    /// <summary>The incoming webhook URL (https://hooks.slack.com/services/…). A secret: never logged.</summary>
    public string? WebhookUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);
}

/// <summary>Section <c>Alerts:Telegram</c>. Off unless both the bot token and the chat id are set.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Alerts:Telegram";

    /// <summary>The Bot API server; the simulator's address in tests and the demo.</summary>
    public string BaseUrl { get; set; } = "https://api.telegram.org";
    /// <summary>The bot's token ("123456:ABC…"). A secret: never logged.</summary>
    public string? BotToken { get; set; }
    /// <summary>The chat or channel the bot posts to (a number, or @channelname).</summary>
    public string? ChatId { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken) && !string.IsNullOrWhiteSpace(ChatId);
}
