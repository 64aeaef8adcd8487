using Julia.Domain.Alerts;

namespace Julia.Domain.Tests;

public class AlertRuleTests
{
    // 00:00 in São Paulo is 03:00 UTC: the day changes in one zone and not the other.
    static readonly DateTimeOffset Now = new(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
    static readonly AlertThresholds T = new();

    static readonly AlertFacts Healthy = new() { Active = 5, ActiveMin = 5, Ready = 3, ReadyMin = 3, Prospectable = 2 };

    static string[] Kinds(AlertFacts f) => [.. AlertRules.Evaluate(f, T, Now).Select(c => $"{c.Kind}@{c.Subject}")];

    [Fact]
    public void A_healthy_pool_has_no_conditions() => Assert.Empty(Kinds(Healthy));

    [Theory]
    // active, activeMin, ready, readyMin, prospectable → conditions
    [InlineData(4, 5, 3, 3, 1, "pool_below_min@pool")]
    [InlineData(5, 5, 2, 3, 1, "ready_buffer_short@pool")]
    [InlineData(5, 5, 3, 3, 0, "no_prospecting_chip@pool")]
    [InlineData(0, 0, 0, 0, 0, "no_prospecting_chip@pool")] // targets of zero are met, but nothing can prospect
    [InlineData(3, 5, 0, 3, 0, "pool_below_min@pool,ready_buffer_short@pool,no_prospecting_chip@pool")]
    public void Pool_counts_against_targets(int active, int activeMin, int ready, int readyMin, int prospectable, string expected) =>
        Assert.Equal(expected.Split(','), Kinds(Healthy with { Active = active, ActiveMin = activeMin, Ready = ready, ReadyMin = readyMin, Prospectable = prospectable }));

    [Fact]
    public void The_message_counts_active_chips_against_the_minimum_in_portuguese()
    {
        var c = AlertRules.Evaluate(Healthy with { Active = 3 }, T, Now).Single();
        Assert.Equal(("critical", "pool abaixo do mínimo (3 ativos de 5)"), (c.Severity, c.Message));
        Assert.Equal("🔴 Alerta: pool abaixo do mínimo (3 ativos de 5)", AlertText.Notice(c.Severity, c.Message, resolved: false));
        Assert.Equal("✅ Resolvido: pool abaixo do mínimo (3 ativos de 5)", AlertText.Notice(c.Severity, c.Message, resolved: true));
    }

    [Fact]
    public void A_tripped_gate_is_a_condition() => Assert.Equal(["gate_tripped@pool"], Kinds(Healthy with { GateTripped = true }));

    [Theory]
    [InlineData(10 * 60 - 1, false)]
    [InlineData(10 * 60, false)] // "more than 10 minutes"
    [InlineData(10 * 60 + 1, true)]
    public void A_chip_is_offline_after_more_than_ten_minutes(int seconds, bool offline) =>
        Assert.Equal(offline ? ["chip_offline@chip:7"] : [], Kinds(Healthy with { Disconnected = [(7, Now.AddSeconds(-seconds))] }));

    [Theory]
    [InlineData(10 * 60, false)]
    [InlineData(10 * 60 + 1, true)]
    public void A_breaker_counts_from_when_it_left_closed(int seconds, bool alert) =>
        Assert.Equal(alert ? ["breaker_open@chip:9"] : [], Kinds(Healthy with { BreakerNotClosed = [(9, Now.AddSeconds(-seconds))] }));

    [Theory]
    [InlineData(50, false)]
    [InlineData(51, true)]
    public void The_queue_backlog_is_more_than_fifty_overdue_messages(int overdue, bool alert) =>
        Assert.Equal(alert ? ["queue_backlog@queue"] : [], Kinds(Healthy with { OverdueQueued = overdue }));

    [Fact]
    public void Recent_dead_letters_and_dead_nodes_are_conditions()
    {
        Assert.Equal(["dead_letters@inbox"], Kinds(Healthy with { RecentDeadLetters = 1 }));
        Assert.Equal(["node_left@node:b"], Kinds(Healthy with { DeadNodes = [("b", Now.AddMinutes(-59)), ("a", Now.AddMinutes(-61))] }));
    }

    [Theory]
    [InlineData(null, false)] // the pool never ran a cycle: a cluster starting, not a late one
    [InlineData(120, false)]  // two periods
    [InlineData(121, true)]
    public void The_pool_cycle_is_late_after_two_periods(int? secondsAgo, bool late) =>
        Assert.Equal(late, AlertRules.CycleLate(secondsAgo is { } s ? Now.AddSeconds(-s) : null, T, Now) is not null);

    [Theory]
    [InlineData("chip_logged_out", "pending", false, false)]
    [InlineData("chip_logged_out", "rampup", true, true)]
    [InlineData("chip_disconnected", "active", false, false)]
    [InlineData("chip_disconnected", "active", true, true)]
    [InlineData("chip_restricted", "paused", false, false)]
    [InlineData("chip_restricted", "active", true, true)]
    [InlineData("chip_restricted", "retired", false, true)]
    [InlineData("gate_tripped", "active", true, false)]
    public void Event_alerts_recover_with_their_chip(string kind, string status, bool connected, bool recovered) =>
        Assert.Equal(recovered, AlertRules.Recovered(kind, status, connected));

    [Fact]
    public void Text_from_outside_loses_phone_numbers_and_tokens()
    {
        var s = AlertText.Scrub("number +5511987654321 banned; token 123456789:AAAbbbCCCdddEEEfffGGGhhh");
        Assert.DoesNotContain("987654321", s);
        Assert.Contains("****4321", s);
        Assert.DoesNotContain("AAAbbbCCCdddEEEfffGGGhhh", s);
    }

    [Theory]
    [InlineData(1, null, 5)]
    [InlineData(2, null, 10)]
    [InlineData(4, null, 40)]
    [InlineData(20, null, 600)]  // capped
    [InlineData(1, 30, 30)]      // Retry-After longer than the backoff wins
    [InlineData(4, 3, 40)]       // a shorter Retry-After does not shorten the backoff
    public void Backoff_doubles_up_to_the_cap_and_respects_retry_after(int attempts, int? retryAfter, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds),
            Delivery.Backoff(attempts, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), retryAfter is { } r ? TimeSpan.FromSeconds(r) : null));

    [Fact]
    public void A_channel_fails_once_its_run_of_failures_lasts_long_enough()
    {
        var after = TimeSpan.FromMinutes(10);
        Assert.False(Delivery.ChannelFailing(null, Now, after));
        Assert.False(Delivery.ChannelFailing(Now.AddMinutes(-9), Now, after));
        Assert.True(Delivery.ChannelFailing(Now.AddMinutes(-10), Now, after));
    }
}
