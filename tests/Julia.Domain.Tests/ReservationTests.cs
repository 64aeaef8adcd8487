using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

/// <summary>The chip's own check before one more send, at the boundaries that break things.</summary>
public class ReservationTests
{
    static readonly DateTimeOffset T = new(2026, 11, 23, 14, 59, 59, TimeSpan.Zero); // one second before a UTC hour
    static readonly DateOnly Day = new(2026, 11, 23);
    static readonly ChipLimits Limits = new(PerHour: 2, PerDay: 3, MinGap: TimeSpan.FromSeconds(45));

    static ChipSummary Chip() => new(1, "+5511980000001", "c1", 11, ChipStatus.Active, 90, RampStage.Operating,
        true, null, BreakerState.Closed, null, null, null, 0, null, 0);

    [Fact]
    public void A_fresh_chip_takes_a_send_and_is_charged()
    {
        var c = Chip();
        Assert.Null(Reservations.Refusal(c, c, Limits, T, Day));
        var charged = Reservations.Charge(c, T, Day);
        Assert.Equal((1, 1, T, new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero)), (charged.SentThisHour, charged.SentToday, charged.LastSentAt, charged.HourBucket));
    }

    [Theory]
    [InlineData(44.999, "min_gap")]
    [InlineData(45.0, null)]
    public void Min_gap_holds_to_the_millisecond(double seconds, string? expected)
    {
        var c = Reservations.Charge(Chip(), T, Day);
        Assert.Equal(expected, Reservations.Refusal(c, Chip(), Limits, T.AddSeconds(seconds), Day));
    }

    [Fact]
    public void Hour_cap_resets_on_the_utc_hour_and_day_cap_does_not()
    {
        var c = Reservations.Charge(Reservations.Charge(Chip(), T.AddMinutes(-10), Day), T.AddMinutes(-5), Day);
        Assert.Equal("hour_cap", Reservations.Refusal(c, Chip(), Limits, T, Day));                  // 14:59:59, 2 of 2
        var next = T.AddSeconds(1);                                                                  // 15:00:00
        Assert.Null(Reservations.Refusal(c, Chip(), Limits, next, Day));
        c = Reservations.Charge(c, next, Day);
        Assert.Equal((1, 3), (c.SentThisHour, c.SentToday));
        Assert.Equal("day_cap", Reservations.Refusal(c, Chip(), Limits, next.AddMinutes(61), Day));  // 3 of 3 today
        Assert.Null(Reservations.Refusal(c, Chip(), Limits, next.AddHours(9), Day.AddDays(1)));      // a new São Paulo day
    }

    [Fact]
    public void A_clock_behind_the_chip_never_resets_its_counters()
    {
        var c = Reservations.Charge(Chip(), T.AddSeconds(1), Day.AddDays(1)); // charged in the next hour and day
        Assert.Equal("min_gap", Reservations.Refusal(c, Chip(), Limits, T.AddMinutes(-30), Day)); // its last send is "in the future"
        c = c with { LastSentAt = null };
        Assert.Equal("hour_cap", Reservations.Refusal(c, Chip(), Limits, T.AddMinutes(-30), Day));
        Assert.Equal("day_cap", Reservations.Refusal(c with { HourBucket = null }, Chip(), Limits, T.AddMinutes(-30), Day));
    }

    [Fact]
    public void What_selection_planned_on_must_still_hold()
    {
        var planned = Chip();
        Assert.Equal("changed", Reservations.Refusal(planned with { Status = ChipStatus.Paused }, planned, Limits, T, Day));
        Assert.Equal("changed", Reservations.Refusal(planned with { TrustScore = 70 }, planned, Limits, T, Day));
        Assert.Equal("disconnected", Reservations.Refusal(planned with { Connected = false }, planned, Limits, T, Day));
        Assert.Equal("cooldown", Reservations.Refusal(planned with { CooldownUntil = T.AddSeconds(1) }, planned, Limits, T, Day));
        Assert.Null(Reservations.Refusal(planned with { CooldownUntil = T }, planned, Limits, T, Day));
    }

    [Fact]
    public void An_open_breaker_admits_one_trial_when_its_time_is_up()
    {
        var open = Chip() with { Breaker = BreakerState.Open, BreakerUntil = T.AddSeconds(1) };
        Assert.Equal("breaker_open", Reservations.Refusal(open, Chip(), Limits, T, Day));
        Assert.Null(Reservations.Refusal(open, Chip(), Limits, T.AddSeconds(1), Day));
        var trial = Reservations.Charge(open, T.AddSeconds(1), Day);
        Assert.Equal((BreakerState.HalfOpen, T.AddSeconds(1) + Reservations.TrialDeadline), (trial.Breaker, trial.BreakerUntil));
        Assert.Equal("breaker_open", Reservations.Refusal(trial, Chip(), Limits with { MinGap = TimeSpan.Zero }, T.AddSeconds(2), Day)); // one trial at a time
    }
}
