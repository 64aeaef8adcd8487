using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class RegistrationTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ChipStatus.Provisioned, RampStage.R1, false)]
    [InlineData(ChipStatus.Pending, RampStage.R1, false)]
    [InlineData(ChipStatus.Rampup, RampStage.R1, true)]
    [InlineData(ChipStatus.Ready, RampStage.Operating, true)]
    [InlineData(ChipStatus.Active, RampStage.Operating, true)]
    public void A_chip_enters_the_pool_at_its_status_stage_and_connection(ChipStatus status, RampStage stage, bool connected)
    {
        Assert.True(Registration.Allows(status));
        Assert.Equal(stage, Registration.Stage(status));
        Assert.Equal(connected, Registration.Connected(status));
    }

    [Theory]
    [InlineData(ChipStatus.Degraded)]
    [InlineData(ChipStatus.Paused)]
    [InlineData(ChipStatus.Retired)]
    public void Degraded_paused_and_retired_are_reached_only_by_moves(ChipStatus status) => Assert.False(Registration.Allows(status));

    [Fact]
    public void A_number_bought_now_scores_the_base_and_its_R1_progress_and_nothing_else()
    {
        var t = Registration.Trust(Now, RampStage.R1, Now);
        Assert.Equal(TrustScore.Base + (int)Math.Round(RampUp.Progress(RampStage.R1) * 15, MidpointRounding.AwayFromZero), t.Score);
        Assert.Equal(0, t.Factors.AccountAge);
        Assert.Equal(0, t.Factors.ResponseRate + t.Factors.DeliveryRate + t.Factors.Bidirectional + t.Factors.DaysWithoutError);
    }

    [Fact]
    public void An_older_account_counts_its_age_up_to_thirty_days()
    {
        Assert.Equal(7.5, Registration.Trust(Now.AddDays(-15), RampStage.Operating, Now).Factors.AccountAge);
        Assert.Equal(15, Registration.Trust(Now.AddDays(-90), RampStage.Operating, Now).Factors.AccountAge);
    }
}
