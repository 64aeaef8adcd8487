using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class LimitsTableTests
{
    // The ranking pass reads limits from the table; it must say exactly what ChipLimits.For says, for
    // every stage and score (levels change at the thresholds), under a configuration that is not the default.
    [Fact]
    public void Table_agrees_with_the_rule_for_every_stage_and_score()
    {
        var config = new RampUpConfig { R2 = new(7, 19), Operating = new(41, 133), MinGapScale = 0.3 };
        var table = new LimitsTable(config);
        foreach (var stage in Enum.GetValues<RampStage>())
            for (int score = 0; score <= 100; score++)
                Assert.Equal(ChipLimits.For(stage, score, config), table[stage, TrustLevels.Of(score)]);
    }
}
