namespace Julia.Client;

/// <summary>A message and its history.</summary>
/// <param name="Status">queued, sending, in_doubt (the gateway did not answer the send: it may have gone, so it is sent nowhere until the
/// gateway confirms or denies it; see <see cref="LastError"/> and the timeline), sent, delivered, read, failed (<see cref="LastError"/>
/// begins <c>in_doubt:</c> when the gateway never said whether it went), expired, cancelled or blocked.</param>
public sealed record Message(long Id, string IdempotencyKey, string Contact, string Kind, string Status, long? ChipId, int Attempts, long[] TriedChips,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NotBefore, DateTimeOffset? NextAttemptAt, DateTimeOffset ExpiresAt, DateTimeOffset? SentAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<AttemptEntry> AttemptLog)
{
    public static readonly string[] Terminal = ["sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];
    public bool IsFinal => Status is "read" or "failed" or "expired" or "cancelled" or "blocked";
}
