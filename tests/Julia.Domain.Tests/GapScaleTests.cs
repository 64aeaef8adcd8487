using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class GapScaleTests
{
    [Theory]
    [InlineData(1.0, 45)]
    [InlineData(0.5, 22.5)]
    [InlineData(0.0, 0)]
    public void Min_gap_scales(double scale, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ChipLimits.For(RampStage.Operating, 90, new RampUpConfig { MinGapScale = scale }).MinGap);
}
