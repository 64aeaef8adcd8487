using Julia.Domain.Chips;
using Julia.Domain.Pool;
using Julia.Domain.Trust;

namespace Julia.Domain.Tests;

public class PoolManagerTests
{
    // Sunday 03:00 UTC is midnight in São Paulo: the manager does not care about the sending window.
    static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
    static readonly PoolTargets Targets = new() { ActiveMin = 2, ActiveMax = 3, ReadyMin = 1, RampupBuffer = 4, ProvisionDailyMax = 2 };
    static readonly ManagerFacts Quiet = new(false, false, 0, 0);

    static ManagedChip Chip(long id, ChipStatus s, int trust = 90, int ddd = 11, bool connected = true, DateTimeOffset? off = null,
                            DateTimeOffset? since = null, DateTimeOffset? lastSent = null, RampStage stage = RampStage.Operating, DateTimeOffset? rampup = null) =>
        new(id, s, trust, ddd, connected, off ?? Now.AddDays(-40), since ?? Now.AddDays(-40), lastSent, stage, rampup, false);

    static string Moves(PoolPlan p) => string.Join(" ", p.Moves.Select(m => $"{m.ChipId}:{m.To.ToWire()}"));

    [Fact]
    public void An_active_chip_under_the_threshold_is_demoted_and_the_best_ready_chip_takes_its_place()
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active, trust: 34), Chip(3, ChipStatus.Ready, trust: 86),
            Chip(4, ChipStatus.Ready, trust: 95), Chip(5, ChipStatus.Ready, trust: 99, connected: false, off: Now.AddMinutes(-1))], Targets, Quiet, Now);
        // The disconnected chip is the most trusted but cannot serve.
        Assert.Equal("2:degraded 4:active", Moves(plan));
        Assert.Contains(plan.Lost, c => c.Id == 2 && c.Status == ChipStatus.Degraded);
        Assert.Equal([1, 4], plan.Serving.Select(c => c.Id).Order());
        Assert.Equal("trust 34 below the degraded threshold 35", plan.Moves[0].Reason);
    }

    [Fact]
    public void Among_equally_trusted_chips_one_covering_a_new_area_code_then_the_least_recently_used_is_promoted()
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active, ddd: 11), Chip(2, ChipStatus.Ready, ddd: 11, lastSent: null),
            Chip(3, ChipStatus.Ready, ddd: 21, lastSent: Now.AddHours(-1)), Chip(4, ChipStatus.Ready, ddd: 31, lastSent: Now.AddHours(-5))], Targets, Quiet, Now);
        Assert.Equal("4:active", Moves(plan));
    }

    [Theory]
    [InlineData(9, false)]   // nine minutes: still the chip's
    [InlineData(10, true)]   // ten minutes: lost, replaced, its conversations move
    public void An_active_chip_disconnected_for_ten_minutes_is_lost(int minutes, bool lost)
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active, connected: false, off: Now.AddMinutes(-minutes)),
            Chip(3, ChipStatus.Ready)], Targets, Quiet, Now);
        Assert.Equal(lost ? "3:active" : "", Moves(plan));
        Assert.Equal(lost, plan.Lost.Any(c => c.Id == 2));
    }

    [Theory]
    [InlineData(23 * 60 + 59, 60, true, false)]
    [InlineData(24 * 60, 60, true, true)]
    [InlineData(24 * 60, 59, true, false)]
    [InlineData(24 * 60, 60, false, false)]
    public void A_degraded_chip_returns_to_ready_after_its_cooldown_with_trust_60(int minutes, int trust, bool connected, bool recovered)
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active),
            Chip(3, ChipStatus.Degraded, trust: trust, connected: connected, off: Now.AddMinutes(-1), since: Now.AddMinutes(-minutes))], Targets, Quiet, Now);
        Assert.Equal(recovered ? "3:ready" : "", Moves(plan));
    }

    [Theory]
    [InlineData(RampStage.Operating, 21, 85, true)]
    [InlineData(RampStage.Operating, 20, 99, false)]
    [InlineData(RampStage.Operating, 21, 84, false)]
    [InlineData(RampStage.R4, 25, 99, false)]
    public void A_ramp_up_chip_becomes_ready_after_day_21_with_trust_85(RampStage stage, int day, int trust, bool ready)
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active),
            Chip(3, ChipStatus.Rampup, trust: trust, stage: stage, rampup: Now.AddDays(-day).AddMinutes(-1))], Targets, Quiet, Now);
        Assert.Equal(ready ? "3:ready" : "", Moves(plan));
    }

    [Fact]
    public void Above_the_maximum_the_least_trusted_stand_down()
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active, trust: 90), Chip(2, ChipStatus.Active, trust: 70), Chip(3, ChipStatus.Active, trust: 95),
            Chip(4, ChipStatus.Active, trust: 80), Chip(5, ChipStatus.Active, trust: 60)], Targets, Quiet, Now);
        Assert.Equal("5:ready 2:ready", Moves(plan));
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(29, false)]
    public void A_chip_disconnected_for_30_days_is_retired(int days, bool retired)
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active),
            Chip(3, ChipStatus.Ready, connected: false, off: Now.AddDays(-days))], Targets, Quiet, Now);
        Assert.Equal(retired ? "3:retired" : "", Moves(plan));
    }

    [Fact]
    public void No_ready_chip_means_no_promotion_and_a_chip_without_targets_migrates_nowhere()
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active, trust: 10)], Targets, Quiet, Now);
        Assert.Equal("1:degraded", Moves(plan));
        Assert.Empty(plan.Serving);
    }

    [Theory]
    // Pipeline: one rampup chip, one ready chip. Buffer 4: two short.
    [InlineData(false, false, 0, 0, 2, null)]
    [InlineData(false, false, 1, 0, 1, null)]                                        // one already requested today
    [InlineData(false, false, 0, 1, 1, null)]                                        // one on its way
    [InlineData(false, false, 2, 0, 0, "today's maximum of 2 reached")]
    [InlineData(true, false, 0, 0, 0, "the quality gate is tripped")]
    [InlineData(false, true, 0, 0, 0, "a restriction signal in the last 24 h")]
    public void Provisioning_fills_the_buffer_within_the_daily_maximum_and_never_after_a_restriction(bool gate, bool restricted, int today, int open,
                                                                                                   int requested, string? held)
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active), Chip(2, ChipStatus.Active), Chip(3, ChipStatus.Rampup, stage: RampStage.R2, rampup: Now.AddDays(-4)),
            Chip(4, ChipStatus.Ready)], Targets with { AutoProvision = true }, new ManagerFacts(gate, restricted, today, open), Now);
        Assert.Equal(requested, plan.Provision);
        Assert.Equal(held, plan.ProvisionHeld);
    }

    [Fact]
    public void Provisioning_is_off_unless_configured()
    {
        var plan = PoolManager.Plan([Chip(1, ChipStatus.Active)], Targets, Quiet, Now);
        Assert.Equal(0, plan.Provision);
        Assert.Null(plan.ProvisionHeld);
    }

    [Fact]
    public void Moved_conversations_go_to_a_chip_of_the_contacts_area_code_first_then_evenly()
    {
        ManagedChip a = Chip(1, ChipStatus.Active, ddd: 11), b = Chip(2, ChipStatus.Active, ddd: 21), c = Chip(3, ChipStatus.Active, ddd: 31);
        var given = new Dictionary<long, int>();
        var to = new[] { 21, 21, 85, 85, 85, 85, (int?)null }.Select(ddd => PoolManager.Assign(ddd, [a, b, c], given).Id).ToList();
        Assert.Equal([2, 2, 1, 3, 1, 3, 1], to);
    }

    [Fact]
    public void A_ramp_up_chip_says_what_it_still_needs()
    {
        Assert.Equal(["day 7 (now day 5)", "delivery 95% in this stage (now 90%)"],
            RampUp.Needs(RampStage.R2, 5, new StageStats(0.9, 0.0, false), 70).Select(n => n.ToString()));
        Assert.Equal(["trust 85 (now 80)"], RampUp.Needs(RampStage.Operating, 22, new StageStats(1, 0, false), 80).Select(n => n.ToString()));
        Assert.Equal(["blocks and opt-outs at most 1% (now 2.5%)", "no spam or restriction signal (one sends it back to R1)"],
            RampUp.Needs(RampStage.R1, 3, new StageStats(0.99, 0.025, true), 40).Select(n => n.ToString()));
        Assert.Empty(RampUp.Needs(RampStage.R3, 14, new StageStats(0.99, 0.005, false), 70));
    }
}
