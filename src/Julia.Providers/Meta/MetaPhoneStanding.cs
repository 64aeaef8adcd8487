namespace Julia.Providers.Meta;

/// <summary>
/// What <c>GET /{phone-number-id}?fields=…</c> said about a number, normalised (null: absent or unreadable): quality
/// (GREEN, YELLOW, RED, UNKNOWN), health's overall <c>can_send_message</c> (AVAILABLE, LIMITED, BLOCKED) with the first
/// reason a limited or blocked entity gave, the messaging limit tier (TIER_250, TIER_2K…, TIER_UNLIMITED), throughput in
/// messages per second (STANDARD 80, HIGH 1,000), and the number's <c>status</c> as Meta wrote it (CONNECTED, FLAGGED…).
/// </summary>
public sealed record MetaPhoneStanding(string? Quality, string? Health, string? HealthDetail, string? MessagingLimit, int? ThroughputPerSecond,
                                       string? Status);
