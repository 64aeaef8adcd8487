using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class TrustTests
{
    static TrustInputs Zero => new(0, 0, 0, 0, 0, RampStage.R1, 0, 0, false);

    [Fact]
    public void Base_is_30() => Assert.Equal(30, TrustScore.Compute(Zero).Score);

    [Fact]
    public void Perfect_number_scores_100()
    {
        var r = TrustScore.Compute(new(30, 0.5, 0.95, 20, 7, RampStage.Operating, 0, 0, false));
        Assert.Equal(100, r.Score);
        Assert.Equal(TrustLevel.Verde, r.Level);
    }

    [Theory] // each factor alone, at half and at its saturation point and beyond
    [InlineData("age", 15, 37.5)]
    [InlineData("age", 30, 45)]
    [InlineData("age", 90, 45)]
    [InlineData("response", 0.25, 40)]
    [InlineData("response", 0.5, 50)]
    [InlineData("response", 1.0, 50)]
    [InlineData("delivery", 0.95, 45)]
    [InlineData("delivery", 1.0, 45)]
    [InlineData("bidirectional", 10, 37.5)]
    [InlineData("bidirectional", 20, 45)]
    [InlineData("bidirectional", 40, 45)]
    [InlineData("clean_days", 3.5, 35)]
    [InlineData("clean_days", 7, 40)]
    [InlineData("clean_days", 30, 40)]
    [InlineData("stage", 2, 33.75)]
    [InlineData("stage", 4, 41.25)]
    [InlineData("stage", 5, 45)]
    public void Positive_factors(string factor, double value, double expectedRaw)
    {
        var i = factor switch
        {
            "age" => Zero with { AccountAgeDays = value },
            "response" => Zero with { ResponseRate7d = value },
            "delivery" => Zero with { DeliveryRate7d = value },
            "bidirectional" => Zero with { BidirectionalConversations7d = (int)value },
            "clean_days" => Zero with { DaysWithoutError = value },
            _ => Zero with { Stage = (RampStage)(int)value },
        };
        Assert.Equal((int)Math.Round(expectedRaw, MidpointRounding.AwayFromZero), TrustScore.Compute(i).Score);
    }

    [Theory]
    [InlineData(0, 0, 60)]
    [InlineData(0.05, 0, 50)]  // block rate 5% → −10
    [InlineData(0.1, 0, 40)]   // 10% saturates → −20
    [InlineData(0.5, 0, 40)]
    [InlineData(0, 5, 50)]     // 5 errors → −10
    [InlineData(0, 50, 50)]
    [InlineData(0.1, 5, 30)]
    public void Penalties(double blockRate, int errors, int expected)
    {
        // base 30 + full age 15 + operating 15 = 60, well inside the clamp
        var i = new TrustInputs(30, 0, 0, 0, 0, RampStage.Operating, blockRate, errors, false);
        Assert.Equal(expected, TrustScore.Compute(i).Score);
    }

    [Fact]
    public void Spam_signal_caps_at_39()
    {
        var r = TrustScore.Compute(new(30, 0.5, 0.95, 20, 7, RampStage.Operating, 0, 0, true));
        Assert.Equal(39, r.Score);
        Assert.True(r.Factors.CappedBySpamSignal);
    }

    [Fact]
    public void Clamped_at_zero()
    {
        var r = TrustScore.Compute(Zero with { BlockOptOutRate7d = 1, Errors24h = 10 });
        Assert.Equal(0, r.Score);
    }

    [Theory]
    [InlineData(0, TrustLevel.Critico)]
    [InlineData(19, TrustLevel.Critico)]
    [InlineData(20, TrustLevel.Vermelho)]
    [InlineData(39, TrustLevel.Vermelho)]
    [InlineData(40, TrustLevel.Laranja)]
    [InlineData(59, TrustLevel.Laranja)]
    [InlineData(60, TrustLevel.Amarelo)]
    [InlineData(79, TrustLevel.Amarelo)]
    [InlineData(80, TrustLevel.Verde)]
    [InlineData(100, TrustLevel.Verde)]
    public void Level_edges(int score, TrustLevel level) => Assert.Equal(level, TrustLevels.Of(score));

    [Theory]
    [InlineData(TrustLevel.Verde, true, true, true, 45)]
    [InlineData(TrustLevel.Amarelo, true, true, true, 60)]
    [InlineData(TrustLevel.Laranja, false, true, true, 90)]
    [InlineData(TrustLevel.Vermelho, false, false, true, 120)]
    [InlineData(TrustLevel.Critico, false, false, true, 180)]
    public void Permissions_and_gap(TrustLevel level, bool prospect, bool follow, bool reply, int gapSeconds)
    {
        Assert.Equal(prospect, level.Permits(MessageKind.Prospecting));
        Assert.Equal(follow, level.Permits(MessageKind.Followup));
        Assert.Equal(reply, level.Permits(MessageKind.Reply));
        Assert.Equal(TimeSpan.FromSeconds(gapSeconds), level.MinGap());
    }

    [Theory] // stage × level → caps (per hour, per day)
    [InlineData(RampStage.R1, 80, 5, 10)]
    [InlineData(RampStage.R2, 80, 10, 30)]
    [InlineData(RampStage.R3, 80, 15, 50)]
    [InlineData(RampStage.R4, 80, 20, 70)]
    [InlineData(RampStage.Operating, 80, 30, 100)]
    [InlineData(RampStage.Operating, 79, 24, 80)]
    [InlineData(RampStage.Operating, 60, 24, 80)]
    [InlineData(RampStage.Operating, 59, 15, 50)]
    [InlineData(RampStage.Operating, 40, 15, 50)]
    [InlineData(RampStage.Operating, 39, 6, 20)]
    [InlineData(RampStage.Operating, 20, 6, 20)]
    [InlineData(RampStage.Operating, 19, 3, 10)]
    [InlineData(RampStage.R1, 19, 3, 10)]
    [InlineData(RampStage.R1, 20, 1, 2)]
    [InlineData(RampStage.R1, 45, 2, 5)]
    public void Caps_per_stage_and_level(RampStage stage, int score, int perHour, int perDay)
    {
        var l = ChipLimits.For(stage, score, new RampUpConfig());
        Assert.Equal((perHour, perDay), (l.PerHour, l.PerDay));
    }
}
