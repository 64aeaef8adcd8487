namespace Julia.Client;

/// <summary>A chip as the API shows it; <see cref="Meta"/> is set for a number on Meta's Cloud API.</summary>
public sealed record Chip(long Id, string Phone, string Instance, string Provider, string Status, string? PausedFrom, int TrustScore,
    string TrustLevel, string RampupStage, int HourCap, int DayCap, int MinGapSeconds, int SentThisHour, int SentToday, bool Connected,
    string Breaker, DateTimeOffset? BreakerUntil, DateTimeOffset? CooldownUntil, DateTimeOffset? LastSentAt, DateTimeOffset AccountCreatedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, MetaChip? Meta = null);
