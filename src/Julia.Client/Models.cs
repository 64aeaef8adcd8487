using System.Text.Json;

namespace Julia.Client;

public sealed record Selection(long SelectionId, long ChipId, string Phone, string Instance, string Reason, long ConversationId, long? MigratedFrom,
                               bool AnnouncementPending);

public sealed record Chip(long Id, string Phone, string Instance, string Provider, string Status, string? PausedFrom, int TrustScore,
    string TrustLevel, string RampupStage, int HourCap, int DayCap, int MinGapSeconds, int SentThisHour, int SentToday, bool Connected,
    string Breaker, DateTimeOffset? BreakerUntil, DateTimeOffset? CooldownUntil, DateTimeOffset? LastSentAt, DateTimeOffset AccountCreatedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record RegisterChip(string Phone, string Instance, string? InstanceToken = null, string? WebhookSecret = null,
    string? Provider = null, string? Status = null, bool? Connected = null, DateTimeOffset? AccountCreatedAt = null);

public sealed record TrustHistoryEntry(DateTimeOffset At, int Score, string Level, JsonElement Factors, string Cause);
public sealed record ChipTrust(long ChipId, int Score, string Level, IReadOnlyList<TrustHistoryEntry> History);

public sealed record Contact(string Phone, int? Ddd, string? Name, string? LawfulBasis, string? LawfulBasisSource, DateTimeOffset? LawfulBasisAt,
    bool OptedOut, DateTimeOffset? OptedOutAt, string? OptedOutSource, DateTimeOffset? OptedInAt, DateTimeOffset? LastInboundAt);

public sealed record Conversation(long Id, string Contact, long ChipId, string ChipPhone, string ChipInstance, DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt, long? MigratedFrom, DateTimeOffset? MigratedAt, bool AnnouncementPending);

public sealed record Gate(bool Tripped, DateTimeOffset? TrippedAt, string? TrippedReason, DateTimeOffset? ResumedAt, string? ResumedBy, string? ResumedReason);

public sealed record Pool(string Health, IReadOnlyDictionary<string, int> Chips, int Connected, int Total, Gate Gate, JsonElement Config);

public sealed record Operation(long Id, DateTimeOffset At, string Actor, string Action, long? ChipId, string? Contact, string? FromStatus,
    string? ToStatus, string? Reason, JsonElement? Details);

public sealed record SelectionRecord(long Id, DateTimeOffset At, string Contact, string Kind, long? ChipId, string? Code, string? Reason,
    int Candidates, JsonElement Excluded, bool Fallback, string Node);

/// <summary>A problem+json answer from the service.</summary>
public sealed class JuliaApiException(int status, string code, string? detail, JsonElement problem)
    : Exception($"{status} {code}: {detail}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string? Detail { get; } = detail;
    public JsonElement Problem { get; } = problem;
}

public sealed record MessageAccepted(long MessageId, string Status);

public sealed record TimelineEntry(DateTimeOffset At, string Status, long? ChipId, string? Detail);
public sealed record AttemptEntry(long ChipId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, string? Detail);

public sealed record Message(long Id, string IdempotencyKey, string Contact, string Kind, string Status, long? ChipId, int Attempts, long[] TriedChips,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NotBefore, DateTimeOffset? NextAttemptAt, DateTimeOffset ExpiresAt, DateTimeOffset? SentAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<AttemptEntry> AttemptLog)
{
    public static readonly string[] Terminal = ["sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];
    public bool IsFinal => Status is "read" or "failed" or "expired" or "cancelled" or "blocked";
}

public sealed record InboundMessage(long Id, long ChipId, string ChipPhone, string Contact, string? PushName, string? Text, string Intent,
    DateTimeOffset SentAt, DateTimeOffset ReceivedAt);
public sealed record InboundPage(IReadOnlyList<InboundMessage> Items, long Next);
