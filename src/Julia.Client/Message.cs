namespace Julia.Client;

public sealed record Message(long Id, string IdempotencyKey, string Contact, string Kind, string Status, long? ChipId, int Attempts, long[] TriedChips,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NotBefore, DateTimeOffset? NextAttemptAt, DateTimeOffset ExpiresAt, DateTimeOffset? SentAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<AttemptEntry> AttemptLog)
{
    public static readonly string[] Terminal = ["sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];
    public bool IsFinal => Status is "read" or "failed" or "expired" or "cancelled" or "blocked";
}
