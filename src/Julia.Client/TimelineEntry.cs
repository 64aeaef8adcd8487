namespace Julia.Client;

public sealed record TimelineEntry(DateTimeOffset At, string Status, long? ChipId, string? Detail);
