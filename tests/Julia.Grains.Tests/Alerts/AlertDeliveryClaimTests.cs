using Julia.Domain.Alerts;
using Julia.Grains.Alerts;
using Julia.Storage.Alerts;
using Julia.Storage.Pool;
using Npgsql;

namespace Julia.Grains.Tests.Alerts;

/// <summary>Claims of notices as data: leases at their boundary, fenced completions, the configured cooldown.</summary>
public class AlertDeliveryClaimTests : IAsyncLifetime
{
    static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 59, 30, TimeSpan.Zero); // 23:59:30 in São Paulo
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    NpgsqlDataSource _db = null!;
    DeliveryStore _deliveries = null!;
    AlertStore _alerts = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("alertclaims"));
        _deliveries = new DeliveryStore(_db);
        _alerts = new AlertStore(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_claim_whose_node_died_is_taken_again_only_once_its_lease_ran_out_and_the_old_claimant_cannot_complete_it()
    {
        await _alerts.RaiseAsync(new AlertCondition("test_alert", "pool", "warning", "teste de lease"), TimeSpan.FromMinutes(30), T0, default);
        Assert.Equal(1, await _deliveries.EnqueueAsync("slack", TimeSpan.FromHours(24), T0, default));
        Assert.Equal(0, await _deliveries.EnqueueAsync("slack", TimeSpan.FromHours(24), T0, default)); // one notice per alert and channel

        var first = Assert.Single(await _deliveries.ClaimAsync("slack", 10, Lease, T0, default));
        Assert.Empty(await _deliveries.ClaimAsync("slack", 10, Lease, T0 + Lease - TimeSpan.FromTicks(10), default)); // just before expiry
        var second = Assert.Single(await _deliveries.ClaimAsync("slack", 10, Lease, T0 + Lease, default));           // expired: taken again
        Assert.Equal((first.Id, 2), (second.Id, second.Attempts));

        Assert.False(await _deliveries.SentAsync(first, T0 + Lease, default));  // the first claimant's late answer is refused
        Assert.True(await _deliveries.SentAsync(second, T0 + Lease, default));
        Assert.Empty(await _deliveries.ClaimAsync("slack", 10, Lease, T0 + 10 * Lease, default));
        // Another channel's notice is its own: enqueued and claimed apart.
        Assert.Equal(1, await _deliveries.EnqueueAsync("telegram", TimeSpan.FromHours(24), T0, default));
        Assert.Single(await _deliveries.ClaimAsync("telegram", 10, Lease, T0, default));
    }

    [Fact]
    public async Task Alerts_older_than_the_horizon_are_not_announced_and_a_resolution_is_only_announced_where_the_alert_was()
    {
        await _alerts.RaiseAsync(new AlertCondition("test_alert", "old", "warning", "velho"), TimeSpan.FromMinutes(30), T0.AddHours(-25), default);
        await _alerts.RaiseAsync(new AlertCondition("test_alert", "new", "warning", "novo"), TimeSpan.FromMinutes(30), T0, default);
        Assert.Equal(1, await _deliveries.EnqueueAsync("slack", TimeSpan.FromHours(24), T0, default));
        await _alerts.ResolveAsync("test_alert", "new", "ana", T0, default);
        Assert.Equal(0, await _deliveries.EnqueueAsync("slack", TimeSpan.FromHours(24), T0, default)); // raised notice not sent yet
        var raised = Assert.Single(await _deliveries.ClaimAsync("slack", 10, Lease, T0, default));
        await _deliveries.SentAsync(raised, T0, default);
        Assert.Equal(1, await _deliveries.EnqueueAsync("slack", TimeSpan.FromHours(24), T0, default));
        Assert.True(Assert.Single(await _deliveries.ClaimAsync("slack", 10, Lease, T0, default)).Resolved);
    }

    [Fact]
    public async Task The_monitor_uses_the_configured_cooldown()
    {
        await Sql.Exec(_db, """UPDATE pool_config SET config = '{"targets":{"activeMin":1,"activeMax":2,"readyMin":0}}'""");
        var monitor = new AlertMonitor(_alerts, new MonitorQueries(_db), new PoolStore(_db, new(System.Text.Json.JsonSerializerDefaults.Web)),
                                       new AlertPolicy { Cooldown = TimeSpan.FromMinutes(5) });
        var chip = await Seed.ChipAsync(_db, T0, status: "ready");
        // No active chip: the pool is below its minimum and nothing can prospect.
        Assert.Equal(2, (await monitor.RunAsync(T0, default)).Raised);
        await Sql.Exec(_db, "UPDATE chips SET status = 'active' WHERE id = @id", ("id", chip));
        Assert.Equal(2, (await monitor.RunAsync(T0.AddMinutes(1), default)).Resolved);
        await Sql.Exec(_db, "UPDATE chips SET status = 'ready' WHERE id = @id", ("id", chip));
        Assert.Equal(0, (await monitor.RunAsync(T0.AddMinutes(6).AddTicks(-10), default)).Raised); // a moment before 5 min since the resolution
        Assert.Equal(2, (await monitor.RunAsync(T0.AddMinutes(6), default)).Raised);                // the cooldown has run out
    }
}
