using Julia.Domain.Selection;

namespace Julia.Domain.Tests;

public class PacingTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("min_gap", true)]
    [InlineData("hour_cap", true)]
    [InlineData("day_cap", true)]
    [InlineData("cooldown", true)]
    [InlineData("status", false)]
    [InlineData("disconnected", false)]
    [InlineData("breaker_open", false)]
    [InlineData(null, false)]
    public void Pacing_reasons(string? reason, bool pacing) => Assert.Equal(pacing, Candidates.IsPacing(reason));

    [Fact]
    public void Paced_until()
    {
        var chip = new ChipSummary(1, "+5511999990001", "i", 11, Julia.Domain.Chips.ChipStatus.Active, 90, Julia.Domain.Trust.RampStage.Operating,
            true, Now.AddMinutes(7), BreakerState.Closed, null, Now.AddSeconds(-10), null, 0, null, 0);
        var w = new SendingWindow();
        var caps = new Julia.Domain.Trust.RampUpConfig();
        Assert.Equal(Now.AddSeconds(35), Candidates.PacedUntil(chip, "min_gap", Now, w, caps));
        Assert.Equal(Now.AddMinutes(7), Candidates.PacedUntil(chip, "cooldown", Now, w, caps));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero), Candidates.PacedUntil(chip, "hour_cap", Now, w, caps));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(-3)), Candidates.PacedUntil(chip, "day_cap", Now, w, caps));
    }
}
