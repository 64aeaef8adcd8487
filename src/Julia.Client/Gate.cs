namespace Julia.Client;

public sealed record Gate(bool Tripped, DateTimeOffset? TrippedAt, string? TrippedReason, DateTimeOffset? ResumedAt, string? ResumedBy, string? ResumedReason);
