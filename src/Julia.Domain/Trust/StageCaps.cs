namespace Julia.Domain.Trust;

/// <summary>Per-hour and per-day caps of one stage.</summary>
public readonly record struct StageCaps(int PerHour, int PerDay);
