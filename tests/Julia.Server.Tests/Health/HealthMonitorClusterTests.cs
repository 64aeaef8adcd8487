using Julia.Grains;
using Julia.Grains.Connections;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Health;

/// <summary>
/// The connection health pass across nodes, on Orleans alone (one activation of its grain, its reminder; no claim
/// of our own in SQL): nodes asking for the same periods run one pass each, and after the node hosting the grain is
/// killed the next period's pass runs on the survivor. (The pass itself: HealthMonitorTests.)
/// </summary>
[Trait("Category", "Fault")]
public class HealthMonitorClusterTests(ITestOutputHelper output)
{
    /// <summary>A chip the gateway (the simulator) knows, connected in the database, with the state the gateway reports.</summary>
    static async Task<long> ChipAsync(NpgsqlDataSource db, EvolutionSimulator sim, DateTimeOffset now, string gatewayState)
    {
        var id = await Seed.ChipAsync(db, now, connected: true);
        var (instance, phone) = (await Sql.List(db, "SELECT instance, phone FROM chips WHERE id = @id", r => (r.GetString(0), r.GetString(1)), ("id", id)))[0];
        sim.AddInstance(new InstanceSpec(instance, "tok-" + instance, "sec-" + instance, phone));
        sim.SetState(instance, gatewayState);
        return id;
    }

    static Task<long> Reconciled(NpgsqlDataSource db) =>
        Sql.Scalar<long>(db, "SELECT count(*) FROM operations WHERE actor = 'health-monitor' AND action = 'connection_reconciled'");

    [Fact]
    public async Task Two_nodes_asking_for_the_same_periods_run_one_pass_each()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("health_nodes");
        await using var db = NpgsqlDataSource.Create(cs);
        await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { ReplyProbability = 0, Receipts = false });
        var start = new DateTimeOffset(2026, 11, 30, 15, 0, 7, TimeSpan.Zero);
        var clock = new ManualClock(start);
        // The monitor off: no reminder ticks on its own; the nodes ask for each period below.
        var settings = new Dictionary<string, string?> { ["Evolution:BaseUrl"] = sim.BaseAddress.ToString(), ["HealthMonitor:Enabled"] = "false", ["Trust:Enabled"] = "false" };
        await using var a = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set(new Dictionary<string, string?>(settings) { ["Julia:NodeId"] = "node-a" }).Output(output).StartAsync();
        await using var b = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set(new Dictionary<string, string?>(settings) { ["Julia:NodeId"] = "node-b" }).Output(output).StartAsync();
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE status = 3") == 2, what: "two active silos");
        var chip = await ChipAsync(db, sim, start, "close");
        var instance = await Sql.Scalar<string>(db, "SELECT instance FROM chips WHERE id = @id", ("id", chip));
        IConnectionHealthGrain On(TestHost node) => node.Get<IGrainFactory>().GetGrain<IConnectionHealthGrain>(Names.Pool);

        // Each period asked four times at once, twice from each node: it runs once. The gateway's state flips every period.
        var ran = new List<HealthPass>();
        for (int p = 0; p < 5; p++)
        {
            var now = start.AddMinutes(2 * p);
            sim.SetState(instance, p % 2 == 0 ? "close" : "open");
            var passes = await Task.WhenAll(On(a).RunAsync(now), On(b).RunAsync(now.AddSeconds(20)), On(a).RunAsync(now.AddSeconds(40)), On(b).RunAsync(now));
            ran.AddRange(passes.Where(x => x.Ran));
        }
        Assert.Equal(5, ran.Count);
        Assert.Equal(5, ran.Select(r => r.Period).Distinct().Count());
        Assert.All(ran, r => Assert.Equal(1, r.Corrected));
        Assert.Equal(5L, await Reconciled(db));
        // A clock that jumps back does not run an old period again.
        Assert.False((await On(b).RunAsync(start.AddMinutes(3))).Ran);
    }

    [Fact]
    public async Task The_pass_runs_once_a_period_and_goes_on_when_its_node_is_killed()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("health_failover");
        await using var db = NpgsqlDataSource.Create(cs);
        await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { ReplyProbability = 0, Receipts = false });
        var now = DateTimeOffset.UtcNow;
        long first = await ChipAsync(db, sim, now, "close"), second = await ChipAsync(db, sim, now, "open");
        // The monitor on, as in service, with a week's period: its reminder exists, and its first tick of its own
        // (next Thursday, 00:00:05 UTC) does not fall within this test, whose passes are asked for weeks ahead.
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = cs,
            ["Trust:Enabled"] = "false",
            ["Evolution:BaseUrl"] = sim.BaseAddress.ToString(),
            ["HealthMonitor:Period"] = "7.00:00:00",
        };
        using var a = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-a" });
        using var b = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-b" });
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansreminders WHERE remindername = @r",
            ("r", ConnectionHealthGrain.Reminder)) == 1, what: "the connection health reminder");

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => Julia.Client.JuliaCluster.UseJuliaCluster(c, cs));
        using var client = builder.Build();
        await client.StartAsync();
        var health = client.Services.GetRequiredService<IClusterClient>().GetGrain<IConnectionHealthGrain>(Names.Pool);

        // One period asked four times at once (two reminders, a retry, a second activation): one pass.
        var period = now.AddDays(70);
        var passes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => health.RunAsync(period.AddSeconds(i))));
        var ran = Assert.Single(passes, p => p.Ran);
        Assert.Equal(1, ran.Corrected);
        Assert.False(await Sql.Scalar<bool>(db, "SELECT connected FROM chips WHERE id = @id", ("id", first)));
        Assert.Equal(1L, await Reconciled(db));

        // Kill the node that hosts the pass; the next period's runs on the other.
        var host = ran.Silo!;
        (host == "node-a" ? a : b).Kill();
        var survivor = host == "node-a" ? "node-b" : "node-a";
        sim.SetState(await Sql.Scalar<string>(db, "SELECT instance FROM chips WHERE id = @id", ("id", second)), "close");
        var next = await Eventually.Until(async () =>
        {
            try { return await health.RunAsync(period.AddDays(7)); }
            catch (Exception e) { output.WriteLine($"pass while {host} dies: {e.GetType().Name}"); return null; }
        }, p => p is not null, TimeSpan.FromSeconds(90), "the health pass on the surviving node");
        // A call whose answer was lost while the node died may have run it: then the stored pass tells.
        var pass = next!.Ran ? next : await health.LastPassAsync();
        output.WriteLine($"health pass moved from {host} to {pass!.Silo}");
        Assert.Equal(survivor, pass.Silo);
        Assert.Equal(ConnectionHealthGrain.PeriodOf(period.AddDays(7), TimeSpan.FromDays(7)), pass.Period);
        Assert.Equal(1, pass.Corrected);
        Assert.False(await Sql.Scalar<bool>(db, "SELECT connected FROM chips WHERE id = @id", ("id", second)));
        Assert.Equal(2L, await Reconciled(db));
        await client.StopAsync();
    }
}
