namespace Julia.Client;

public sealed record AttemptEntry(long ChipId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, string? Detail);
