using Julia.Storage.Outbox;

namespace Julia.Server.Outbox;

public sealed record MessageJson(long Id, string IdempotencyKey, string Contact, string Kind, string Status, long? ChipId, int Attempts,
    long[] TriedChips, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NotBefore, DateTimeOffset? NextAttemptAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<AttemptEntry> AttemptLog,
    MessageTemplate? Template);
