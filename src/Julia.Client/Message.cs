namespace Julia.Client;

/// <summary>A message and its history.</summary>
/// <param name="Status">queued, sending, in_doubt (the gateway did not answer the send: it may have gone, so it is sent nowhere until the
/// gateway confirms or denies it; see <see cref="LastError"/> and the timeline), sent, delivered, read, failed (<see cref="LastError"/>
/// begins <c>in_doubt:</c> when the gateway never said whether it went), expired, cancelled or blocked.</param>
/// <param name="Template">The template the message carries beside its text (sent instead of it by a Meta number outside the doctor's window).</param>
public sealed record Message(long Id, string IdempotencyKey, string Contact, string Kind, string Status, long? ChipId, int Attempts, long[] TriedChips,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NotBefore, DateTimeOffset? NextAttemptAt, DateTimeOffset ExpiresAt, DateTimeOffset? SentAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<AttemptEntry> AttemptLog,
    MessageTemplate? Template = null)
{
    public static readonly string[] Terminal = ["sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];
    public bool IsFinal => Status is "read" or "failed" or "expired" or "cancelled" or "blocked";
}
