using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class CandidateTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 30, 0, TimeSpan.Zero);
    static readonly DateOnly Day = new(2026, 11, 23);
    static readonly RampUpConfig Caps = new();
    static readonly HashSet<long> None = [];

    static ChipSummary Chip(long id, int trust = 90, int ddd = 11, ChipStatus status = ChipStatus.Active,
                            RampStage stage = RampStage.Operating, int sentThisHour = 0) =>
        new(id, $"+55{ddd}99999{id:0000}", $"chip-{id}", ddd, status, trust, stage, true, null,
            BreakerState.Closed, null, null, Candidates.HourOf(Now), sentThisHour, Day, sentThisHour);

    static SelectionPlan Plan(MessageKind kind, long? affinity, params ChipSummary[] chips) =>
        Candidates.Plan(chips, new SelectionRequest(kind, 11, affinity, true, None), Now, Day, Caps);

    [Fact]
    public void The_best_few_of_a_large_pool_are_those_a_full_ranking_puts_first()
    {
        var rng = new Random(42);
        var pool = Enumerable.Range(1, 5000).Select(i => Chip(i, trust: rng.Next(60, 100), ddd: rng.Next(2) == 0 ? 11 : 21, sentThisHour: rng.Next(0, 20)))
            .Append(Chip(9999, status: ChipStatus.Paused)).ToArray();
        var request = new SelectionRequest(MessageKind.Followup, 11, null, true, None);
        var full = Candidates.Plan(pool, request, Now, Day, Caps);
        var top = Candidates.Plan(pool, request, Now, Day, Caps, top: 26);
        Assert.Equal(full.Candidates.Take(26).Select(c => c.Id), top.Candidates.Select(c => c.Id));
        Assert.Equal((full.Candidates.Count, full.Excluded["status"]), (top.Eligible, top.Excluded["status"]));
    }

    [Fact]
    public void A_contact_whose_own_chip_may_send_is_planned_on_it_alone_and_the_pool_is_not_ranked()
    {
        var pool = Enumerable.Range(1, 5000).Select(i => Chip(i, trust: 60 + i % 40)).Append(Chip(9999, status: ChipStatus.Paused)).ToArray();
        var request = new SelectionRequest(MessageKind.Followup, 11, 17, true, None);
        var plan = Candidates.Plan(pool, request, Now, Day, Caps, top: 26);
        Assert.Equal([17L], plan.Candidates.Select(c => c.Id));
        Assert.Equal((true, 1), (plan.AffinityFirst, plan.Eligible));
        Assert.Empty(plan.Excluded); // nothing else was looked at

        // When it may not send, the pool is ranked and counted as before, the own chip's reason kept.
        pool[16] = pool[16] with { Connected = false };
        var failover = Candidates.Plan(pool, request, Now, Day, Caps, top: 26);
        Assert.Equal((false, "disconnected", 26, 4999), (failover.AffinityFirst, failover.AffinityExclusion, failover.Candidates.Count, failover.Eligible));
        Assert.Equal(1, failover.Excluded["status"]);
    }

    [Fact]
    public void Ranks_same_ddd_then_used_fraction_then_trust()
    {
        var plan = Plan(MessageKind.Followup, null,
            Chip(1, trust: 95, ddd: 21), Chip(2, trust: 85, sentThisHour: 10), Chip(3, trust: 82), Chip(4, trust: 90));
        Assert.Equal([4, 3, 2, 1], plan.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Affinity_first_when_eligible()
    {
        var plan = Plan(MessageKind.Followup, 9, Chip(1, trust: 99), Chip(9, trust: 65, ddd: 21));
        Assert.True(plan.AffinityFirst);
        Assert.Equal(9, plan.Candidates[0].Id);
    }

    [Theory]
    [InlineData(ChipStatus.Paused, "status")]
    [InlineData(ChipStatus.Retired, "status")]
    [InlineData(ChipStatus.Ready, "status")]
    public void Ineligible_affinity_fails_over(ChipStatus status, string why)
    {
        var plan = Plan(MessageKind.Followup, 9, Chip(1), Chip(9, status: status));
        Assert.False(plan.AffinityFirst);
        Assert.Equal(why, plan.AffinityExclusion);
        Assert.Equal([1], plan.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Exclusion_reasons_are_counted()
    {
        var chips = new[]
        {
            Chip(1) with { Connected = false },
            Chip(2) with { Breaker = BreakerState.Open, BreakerUntil = Now.AddSeconds(30) },
            Chip(3) with { CooldownUntil = Now.AddMinutes(5) },
            Chip(4, trust: 70),
            Chip(5, sentThisHour: 30),
            Chip(6) with { LastSentAt = Now.AddSeconds(-44) },
            Chip(7, status: ChipStatus.Paused),
            Chip(8, status: ChipStatus.Rampup, stage: RampStage.R2, trust: 90),
        };
        var plan = Plan(MessageKind.Prospecting, null, chips);
        Assert.Empty(plan.Candidates);
        Assert.Equal(1, plan.Excluded["disconnected"]);
        Assert.Equal(1, plan.Excluded["breaker_open"]);
        Assert.Equal(1, plan.Excluded["cooldown"]);
        Assert.Equal(1, plan.Excluded["trust_below_threshold"]);
        Assert.Equal(1, plan.Excluded["hour_cap"]);
        Assert.Equal(1, plan.Excluded["min_gap"]);
        Assert.Equal(1, plan.Excluded["status"]);
        Assert.Equal(1, plan.Excluded["rampup_traffic_only"]);
    }

    [Fact]
    public void Min_gap_edge_and_open_breaker_past_its_time()
    {
        Assert.Single(Plan(MessageKind.Reply, null, Chip(1) with { LastSentAt = Now.AddSeconds(-45) }).Candidates);
        Assert.Single(Plan(MessageKind.Reply, null, Chip(1) with { Breaker = BreakerState.Open, BreakerUntil = Now }).Candidates);
        Assert.Empty(Plan(MessageKind.Reply, null, Chip(1) with { Breaker = BreakerState.HalfOpen }).Candidates);
    }

    [Fact]
    public void Times_compare_as_instants_whatever_their_offset()
    {
        var saoPaulo = TimeSpan.FromHours(-3);
        var capped = Chip(1, sentThisHour: 30) with { HourBucket = Candidates.HourOf(Now).ToOffset(saoPaulo) };
        Assert.Equal(1, Plan(MessageKind.Prospecting, null, capped).Excluded["hour_cap"]); // this hour, written in local time
        Assert.Single(Plan(MessageKind.Prospecting, null, capped with { HourBucket = Candidates.HourOf(Now).AddHours(-1) }).Candidates); // last hour's count
        Assert.Equal(1, Plan(MessageKind.Reply, null, Chip(1) with { CooldownUntil = Now.AddTicks(1).ToOffset(saoPaulo) }).Excluded["cooldown"]);
        Assert.Single(Plan(MessageKind.Reply, null, Chip(1) with { CooldownUntil = Now.ToOffset(saoPaulo) }).Candidates);
    }

    [Fact]
    public void A_chip_replaced_in_a_set_is_ranked_on_its_new_state()
    {
        var set = new ChipSet([Chip(1), Chip(2, trust: 95)]);
        var request = new SelectionRequest(MessageKind.Followup, 11, null, true, None);
        Assert.Equal([2L, 1L], Candidates.Plan(set, request, Now, Day, Caps).Candidates.Select(c => c.Id));

        set.Replace(Chip(2, trust: 95) with { Connected = false });
        var plan = Candidates.Plan(set, request, Now, Day, Caps);
        Assert.Equal([1L], plan.Candidates.Select(c => c.Id));
        Assert.Equal(1, plan.Excluded["disconnected"]);
    }

    [Theory]
    [InlineData(MessageKind.Prospecting, 79, false, false)]
    [InlineData(MessageKind.Prospecting, 80, true, false)]
    [InlineData(MessageKind.Followup, 60, true, false)]
    [InlineData(MessageKind.Followup, 59, true, true)]  // falls back to 40
    [InlineData(MessageKind.Followup, 39, false, false)]
    [InlineData(MessageKind.Reply, 40, true, false)]
    [InlineData(MessageKind.Reply, 20, true, true)]     // falls back to 20
    [InlineData(MessageKind.Reply, 19, false, false)]
    public void Thresholds_and_fallback(MessageKind kind, int trust, bool eligible, bool fallback)
    {
        var plan = Plan(kind, null, Chip(1, trust: trust));
        Assert.Equal(eligible, plan.Candidates.Count == 1);
        if (eligible) Assert.Equal(fallback, plan.UsedFallback);
    }

    [Fact]
    public void Fallback_is_not_used_when_a_chip_qualifies()
    {
        var plan = Plan(MessageKind.Reply, null, Chip(1, trust: 25), Chip(2, trust: 45));
        Assert.False(plan.UsedFallback);
        Assert.Equal([2], plan.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Rampup_carries_only_genuine_traffic()
    {
        var rampup = Chip(1, trust: 70, status: ChipStatus.Rampup, stage: RampStage.R2);
        var spoke = new SelectionRequest(MessageKind.Followup, 11, null, true, None);
        Assert.Single(Candidates.Plan([rampup], spoke, Now, Day, Caps).Candidates);
        Assert.Empty(Candidates.Plan([rampup], spoke with { ContactHasSpoken = false }, Now, Day, Caps).Candidates);
    }

    [Fact]
    public void New_inbound_conversations_go_to_rampup_first()
    {
        var active = Chip(1, trust: 95);
        var rampup = Chip(2, trust: 50, status: ChipStatus.Rampup, stage: RampStage.R2);
        var plan = Candidates.Plan([active, rampup], new SelectionRequest(MessageKind.Reply, 11, null, true, None), Now, Day, Caps);
        Assert.Equal([2, 1], plan.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Degraded_answers_only_its_own_conversations()
    {
        var degraded = Chip(5, trust: 45, status: ChipStatus.Degraded);
        Assert.Single(Plan(MessageKind.Reply, 5, degraded).Candidates);
        Assert.Empty(Plan(MessageKind.Reply, null, degraded).Candidates);
        Assert.Empty(Plan(MessageKind.Followup, 5, degraded).Candidates);
    }

    [Fact]
    public void Excluded_by_request()
    {
        var plan = Candidates.Plan([Chip(1), Chip(2)], new SelectionRequest(MessageKind.Reply, 11, null, true, new HashSet<long> { 1 }), Now, Day, Caps);
        Assert.Equal([2], plan.Candidates.Select(c => c.Id));
        Assert.Equal(1, plan.Excluded["excluded_by_request"]);
    }
}
