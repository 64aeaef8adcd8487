using Julia.Domain.Meta;

namespace Julia.Domain.Tests;

/// <summary>The portfolio's rolling 24 h budget of unique doctors reached outside their window, and the tiers it reads.</summary>
public class PortfolioBudgetTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("TIER_250", 250)]
    [InlineData("TIER_2K", 2_000)]
    [InlineData("TIER_10K", 10_000)]
    [InlineData("TIER_100K", 100_000)]
    [InlineData("TIER_UNLIMITED", int.MaxValue)]
    [InlineData(null, 250)]
    [InlineData("TIER_NOT_SET", 250)]
    public void Tiers(string? tier, int limit) => Assert.Equal(limit, MessagingTier.Limit(tier));

    [Fact]
    public void The_limit_th_new_doctor_is_refused_until_the_oldest_reach_is_24_hours_old()
    {
        var reached = Enumerable.Range(0, 250).ToDictionary(i => $"+55119{i:00000000}", i => Now - TimeSpan.FromHours(23) + TimeSpan.FromSeconds(i));
        var (allowed, retryAt) = PortfolioBudget.Decide(reached, "+5511999999999", 250, Now);
        Assert.False(allowed);
        Assert.Equal(Now + TimeSpan.FromHours(1), retryAt);
        // A doctor already reached is not counted again.
        Assert.True(PortfolioBudget.Decide(reached, "+5511900000000", 250, Now).Allowed);
        // Exactly 24 h after the oldest reach, it no longer counts.
        Assert.True(PortfolioBudget.Decide(reached, "+5511999999999", 250, Now + TimeSpan.FromHours(1)).Allowed);
        Assert.False(PortfolioBudget.Decide(reached, "+5511999999999", 250, Now + TimeSpan.FromHours(1) - TimeSpan.FromTicks(1)).Allowed);
    }

    [Fact]
    public void A_doctor_reached_more_than_24_hours_ago_counts_as_new()
    {
        var reached = new Dictionary<string, DateTimeOffset> { ["+5511900000001"] = Now - TimeSpan.FromHours(25) };
        Assert.True(PortfolioBudget.Decide(reached, "+5511900000001", 1, Now).Allowed);
        reached["+5511900000002"] = Now - TimeSpan.FromHours(1);
        Assert.False(PortfolioBudget.Decide(reached, "+5511900000001", 1, Now).Allowed);
    }
}
