using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Cluster;
using Julia.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Cluster;

/// <summary>
/// The node is an Orleans silo on the project's own ADO.NET schema: membership, grain state and
/// reminders on a fresh database; the pool's minute cycle runs once per minute whichever node ticks;
/// a write from a stale copy of a grain is refused by the storage version.
/// </summary>
public class ClusterTests(ITestOutputHelper output)
{
    static readonly DateTimeOffset Monday = new(2026, 11, 23, 15, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task A_silo_boots_on_a_fresh_database_with_clustering_storage_and_reminders()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("silo");
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Monday)).Output(output).StartAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);

        // Clustering: the silo wrote itself into the membership table as Active (3), with its gateway.
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE deploymentid = 'julia' AND status = 3 AND proxyport > 0"));
        var ready = await node.Http().GetAsync("health/ready");
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.True(node.Get<SiloReadiness>().IsActive);

        // Reminders: every node asks for the pool's minute reminder at start; it exists once.
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansreminders WHERE remindername = 'minute'") == 1,
            what: "the pool reminder");

        // Storage: a cycle is durable, as JSON, under the pool's own state name.
        var pool = node.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool);
        var cycle = await pool.TickAsync(Monday);
        Assert.True(cycle.Ran);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero), cycle.Minute);
        var json = await Sql.Scalar<string>(db, "SELECT convert_from(payloadbinary, 'UTF8')::jsonb ->> 'LastMinute' FROM orleansstorage WHERE graintypestring LIKE '%pool%'");
        Assert.Equal(cycle.Minute, DateTimeOffset.Parse(json));

        await node.App.StopAsync();
        Assert.False(node.Get<SiloReadiness>().IsActive); // a leaving node is not ready
        Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE status = 3"));
    }

    [Fact]
    public async Task One_pool_cycle_per_minute_across_two_nodes_and_a_repeated_tick_does_nothing()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("poolcycle");
        var clock = new ManualClock(Monday);
        await using var a = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set("Julia:NodeId", "node-a").Output(output).StartAsync();
        await using var b = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set("Julia:NodeId", "node-b").Output(output).StartAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE status = 3") == 2, what: "two active silos");
        await Seed.ChipAsync(db, clock.GetUtcNow(), trust: 50);

        // Both nodes tick the same minutes, twice each: every minute runs exactly once.
        var ran = new List<PoolCycle>();
        for (int m = 0; m < 20; m++)
        {
            var now = Monday.AddMinutes(m);
            var ticks = await Task.WhenAll(
                a.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(now), b.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(now),
                a.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(now.AddSeconds(10)), b.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(now));
            ran.AddRange(ticks.Where(t => t.Ran));
        }
        Assert.Equal(20, ran.Count);
        Assert.Equal(20, ran.Select(r => r.Minute).Distinct().Count());
        // The trust pass is due every 15 minutes: minutes 0 and 15.
        Assert.Equal([Monday.AddSeconds(-30), Monday.AddMinutes(15).AddSeconds(-30)], ran.Where(r => r.TrustPass).Select(r => r.Minute));
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM trust_log WHERE cause = 'periodic'"));

        // A clock that jumps back does not run an old minute again.
        Assert.False((await a.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(Monday.AddMinutes(3))).Ran);
    }

    [Fact]
    public async Task A_stale_copy_of_the_pool_grain_cannot_write()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("stale");
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Monday)).Output(output).StartAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        var pool = node.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool);
        Assert.True((await pool.TickAsync(Monday)).Ran);

        // Another activation (a second cluster on the same ServiceId, say) wrote behind this one's back.
        await Sql.Exec(db, "UPDATE orleansstorage SET version = version + 1 WHERE graintypestring LIKE '%pool%'");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => pool.TickAsync(Monday.AddMinutes(1)));
        output.WriteLine(refused.ToString());
        Assert.Contains("Inconsistent", refused.GetType().Name + refused.InnerException?.GetType().Name);

        // The stale activation is gone; a fresh one reads the stored state and goes on.
        var next = await Eventually.Until(async () =>
        {
            try { return await pool.TickAsync(Monday.AddMinutes(1)); }
            catch (Exception) { return null; }
        }, c => c is not null, what: "a fresh activation");
        Assert.True(next!.Ran);
    }
}
