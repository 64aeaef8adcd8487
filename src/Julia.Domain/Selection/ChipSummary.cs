using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Selection;

/// <summary>What selection knows about a chip (a snapshot row; the database re-checks on reserve).</summary>
public sealed record ChipSummary(
    long Id, string Phone, string Instance, int Ddd, ChipStatus Status, int TrustScore, RampStage Stage,
    bool Connected, DateTimeOffset? CooldownUntil, BreakerState Breaker, DateTimeOffset? BreakerUntil,
    DateTimeOffset? LastSentAt, DateTimeOffset? HourBucket, int SentThisHour, DateOnly? DayBucket, int SentToday)
{
    public int UsedThisHour(DateTimeOffset hour) => HourBucket == hour ? SentThisHour : 0;
    public int UsedToday(DateOnly day) => DayBucket == day ? SentToday : 0;
}
