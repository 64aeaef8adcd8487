namespace Julia.Client;

/// <summary>
/// A Meta chip's keys as the API shows them (never its token or app secret, only whether one is set), and its standing as last
/// polled: quality (GREEN, YELLOW, RED, UNKNOWN), health (AVAILABLE, LIMITED, BLOCKED), messaging limit tier, messages per second.
/// </summary>
public sealed record MetaChip(string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string GraphVersion, bool HasAppSecret,
    string? Quality = null, string? Health = null, string? MessagingLimit = null, int? ThroughputPerSecond = null);
