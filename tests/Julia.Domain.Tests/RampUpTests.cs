using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class RampUpTests
{
    static readonly StageStats Clean = new(0.95, 0.01, false);

    [Theory]
    [InlineData(RampStage.R1, 2, RampStage.R1)]
    [InlineData(RampStage.R1, 3, RampStage.R2)]
    [InlineData(RampStage.R2, 6, RampStage.R2)]
    [InlineData(RampStage.R2, 7, RampStage.R3)]
    [InlineData(RampStage.R3, 13, RampStage.R3)]
    [InlineData(RampStage.R3, 14, RampStage.R4)]
    [InlineData(RampStage.R4, 20, RampStage.R4)]
    [InlineData(RampStage.R4, 21, RampStage.Operating)]
    [InlineData(RampStage.R1, 30, RampStage.R2)] // one stage per evaluation
    public void Advances_on_day_boundaries_when_clean(RampStage from, int day, RampStage expected) =>
        Assert.Equal(expected, RampUp.Next(from, day, Clean));

    [Theory]
    [InlineData(0.9499, 0.0)]
    [InlineData(1.0, 0.0101)]
    public void Stays_when_stage_was_not_clean(double delivery, double blockRate) =>
        Assert.Equal(RampStage.R2, RampUp.Next(RampStage.R2, 10, new(delivery, blockRate, false)));

    [Fact]
    public void Spam_signal_goes_back_to_R1() =>
        Assert.Equal(RampStage.R1, RampUp.Next(RampStage.R4, 25, new(1, 0, true)));

    [Theory]
    [InlineData(RampStage.Operating, 21, 85, true)]
    [InlineData(RampStage.Operating, 21, 84, false)]
    [InlineData(RampStage.Operating, 20, 90, false)]
    [InlineData(RampStage.R4, 30, 90, false)]
    public void Completion(RampStage stage, int day, int trust, bool done) =>
        Assert.Equal(done, RampUp.IsComplete(stage, day, trust));

    [Fact]
    public void Config_validation()
    {
        Assert.Empty(new RampUpConfig().Validate());
        Assert.NotEmpty(new RampUpConfig { R1 = new(0, 10) }.Validate());
        Assert.NotEmpty(new RampUpConfig { R2 = new(40, 30) }.Validate());
    }
}
