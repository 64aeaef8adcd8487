using Julia.Domain.Selection;
using Julia.Domain.Standing;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

/// <summary>What Meta's quality and health do to a chip: RED stops business-initiated messages, YELLOW/LIMITED slow, BLOCKED stops.</summary>
public class StandingRulesTests
{
    static MetaStanding Of(QualityRating? q, MetaHealth? h = null) => new(q, h, null, null);

    [Theory]
    [InlineData(QualityRating.Red, "prospecting", RefusalCodes.QualityRed)]
    [InlineData(QualityRating.Red, "followup", RefusalCodes.QualityRed)]
    [InlineData(QualityRating.Red, "reply", null)]
    [InlineData(QualityRating.Yellow, "prospecting", null)]
    [InlineData(QualityRating.Green, "followup", null)]
    [InlineData(QualityRating.Unknown, "prospecting", null)]
    public void Red_stops_business_initiated_messages_and_lets_replies_go(QualityRating q, string kind, string? refusal)
    {
        Assert.True(MessageKinds.TryParse(kind, out var k));
        Assert.Equal(refusal, StandingRules.Refusal(Of(q), k));
    }

    [Fact]
    public void Blocked_health_refuses_everything()
    {
        Assert.Equal(RefusalCodes.QualityRed, StandingRules.Refusal(Of(QualityRating.Green, MetaHealth.Blocked), MessageKind.Reply));
    }

    [Fact]
    public void Yellow_red_and_limited_halve_the_caps_and_double_the_gap()
    {
        var l = new ChipLimits(40, 300, TimeSpan.FromSeconds(45));
        var slow = new ChipLimits(20, 150, TimeSpan.FromSeconds(90));
        Assert.Equal(slow, StandingRules.Limits(l, Of(QualityRating.Yellow)));
        Assert.Equal(slow, StandingRules.Limits(l, Of(QualityRating.Red)));
        Assert.Equal(slow, StandingRules.Limits(l, Of(QualityRating.Green, MetaHealth.Limited)));
        Assert.Equal(l, StandingRules.Limits(l, Of(QualityRating.Green, MetaHealth.Available)));
        Assert.Equal(new ChipLimits(1, 1, TimeSpan.Zero), StandingRules.Limits(new ChipLimits(1, 1, TimeSpan.Zero), Of(QualityRating.Yellow)));
    }

    [Fact]
    public void Turning_red_alerts_once_and_turning_blocked_restricts_once()
    {
        var green = Of(QualityRating.Green, MetaHealth.Available);
        var red = Of(QualityRating.Red, MetaHealth.Limited);
        Assert.Equal(StandingEffect.Alert, StandingRules.Change(green, red, 7).Effect);
        Assert.Equal(StandingEffect.None, StandingRules.Change(red, red, 7).Effect);
        var blocked = red with { Health = MetaHealth.Blocked };
        Assert.Equal(StandingEffect.Restrict, StandingRules.Change(red, blocked, 7).Effect);
        Assert.Equal(StandingEffect.None, StandingRules.Change(blocked, blocked, 7).Effect);
        Assert.Equal(StandingEffect.None, StandingRules.Change(red, blocked, 7, stopped: true).Effect); // a restriction webhook stopped it first
        Assert.Equal(StandingEffect.None, StandingRules.Change(red, green, 7).Effect);
    }

    [Fact]
    public void A_partial_report_keeps_what_it_does_not_say()
    {
        var known = new MetaStanding(QualityRating.Yellow, MetaHealth.Limited, "TIER_2K", 80, "PHONE_NUMBER LIMITED");
        var after = known.With(new MetaStanding(null, null, "TIER_10K", 1000));
        Assert.Equal(new MetaStanding(QualityRating.Yellow, MetaHealth.Limited, "TIER_10K", 1000, "PHONE_NUMBER LIMITED"), after);
    }
}
