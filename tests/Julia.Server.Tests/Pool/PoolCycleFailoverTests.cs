using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Pool;

/// <summary>The pool's cycle across two real nodes: once per minute whoever ticks, and on after the node hosting it is killed.</summary>
[Trait("Category", "Fault")]
public class PoolCycleFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_pool_manager_runs_once_a_minute_and_goes_on_when_its_node_is_killed()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("pool_failover");
        await using var db = NpgsqlDataSource.Create(cs);
        var now = DateTimeOffset.UtcNow;
        // Two active numbers where three are wanted, and two spares: each pass has work only once.
        await Sql.Exec(db, "UPDATE pool_config SET config = '{\"targets\": {\"activeMin\": 3, \"activeMax\": 4}}'::jsonb");
        for (int i = 0; i < 2; i++) await Seed.ChipAsync(db, now, "active", trust: 90);
        long spare1 = await Seed.ChipAsync(db, now, "ready", trust: 95), spare2 = await Seed.ChipAsync(db, now, "ready", trust: 88);
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Postgres"] = cs, ["Trust:Enabled"] = "false" };
        using var a = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-a" });
        using var b = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-b" });
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => Julia.Client.JuliaCluster.UseJuliaCluster(c, cs));
        using var client = builder.Build();
        await client.StartAsync();
        var pool = client.Services.GetRequiredService<IClusterClient>().GetGrain<IPoolGrain>(Names.Pool);

        // The same minute asked of the pool four times at once (two reminders, a retry, a second activation): one cycle.
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(5);
        var ticks = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => pool.TickAsync(minute.AddSeconds(i))));
        var ran = Assert.Single(ticks, t => t.Ran);
        Assert.Equal(["chip " + spare1], ran.Manager!.Moves.Select(m => m[..m.IndexOf(':')]));
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM operations WHERE actor = 'pool-manager' AND action = 'chip_promoted'"));

        // Kill the node that hosts the pool; the other takes it over and the next minute's cycle runs there.
        var host = ran.Silo!;
        (host == "node-a" ? a : b).Kill();
        var survivor = host == "node-a" ? "node-b" : "node-a";
        await Sql.Exec(db, "UPDATE chips SET status = 'degraded', updated_at = now() WHERE id = (SELECT min(id) FROM chips WHERE status = 'active' AND id <> @s)", ("s", spare1));
        var next = await Eventually.Until(async () =>
        {
            try { return await pool.TickAsync(minute.AddMinutes(1)); }
            catch (Exception e) { output.WriteLine($"tick while {host} dies: {e.GetType().Name}"); return null; }
        }, c => c is not null, TimeSpan.FromSeconds(90), "the pool grain on the surviving node");
        output.WriteLine($"pool moved from {host} to {next!.Silo}");
        Assert.True(next.Ran);
        Assert.Equal(survivor, next.Silo);
        Assert.Contains(next.Manager!.Moves, m => m.StartsWith($"chip {spare2}:"));
        Assert.Equal(2L, await Sql.Scalar<long>(db, "SELECT count(*) FROM operations WHERE actor = 'pool-manager' AND action = 'chip_promoted'"));
        await client.StopAsync();
    }
}
