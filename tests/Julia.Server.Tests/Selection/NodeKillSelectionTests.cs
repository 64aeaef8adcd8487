using System.Collections.Concurrent;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Selection;

/// <summary>
/// Two server processes share one database; 32 clients select against both while one node is killed
/// with SIGKILL midway (the one holding more chip grains). Chips whose grains lived on the dead node move to the survivor once the cluster
/// declares it dead; caps, gaps and counters hold throughout, counted from the database.
/// </summary>
[Trait("Category", "Fault")]
public class NodeKillSelectionTests(ITestOutputHelper output)
{
    const int Chips = 20, Clients = 32, HourCap = 8;

    [Fact]
    public async Task Kill_9_a_node_during_selections_and_caps_hold_and_its_chips_move()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("nodekill");
        await using var db = NpgsqlDataSource.Create(cs);
        var now = DateTimeOffset.UtcNow;
        var chips = new List<long>();
        for (int i = 0; i < Chips; i++) chips.Add(await Seed.ChipAsync(db, now, trust: 90, ddd: i % 2 == 0 ? 11 : 21));
        // Real time in child processes: a 2.25 s gap (verde 45 s × 0.05) and 8 sends an hour per chip, so the
        // chips are still taking sends (gap-bound) when the node dies, and reach their hour cap after it.
        var caps = System.Text.Json.JsonSerializer.Serialize(new { targets = new { activeMax = 100 }, caps = new { minGapScale = 0.05, operating = new { perHour = HourCap, perDay = 100 } } });
        await Sql.Exec(db, "UPDATE pool_config SET config = @c::jsonb", ("c", caps));
        var key = await new ApiKeyStore(db).CreateAsync("load", ["agent"], now, default);

        var settings = new Dictionary<string, string> { ["ConnectionStrings:Postgres"] = cs, ["Trust:Enabled"] = "false" };
        using var a = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-a" });
        using var b = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-b" });
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());
        JuliaClient Client(ServerProcess node) => new(new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, key);

        var outcomes = new ConcurrentDictionary<string, int>();
        ServerProcess? dead = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(25));
        int contact = 0;
        var load = Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            while (!stop.IsCancellationRequested)
            {
                var node = c % 2 == 1 ? b : a;
                if (node == Volatile.Read(ref dead)) node = node == a ? b : a;
                string outcome;
                try { outcome = (await Client(node).SelectAsync($"+55119{Interlocked.Increment(ref contact) + 30000000:00000000}", "reply")).Reason; }
                catch (JuliaApiException e) { outcome = $"{e.Status} {e.Code}"; }
                catch (HttpRequestException) { outcome = "connection refused"; } // the killed node
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }));

        // Let both nodes serve for a while (and the chips' grains spread over both) before one dies.
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM selections WHERE chip_id IS NOT NULL") >= 40
                                          && await Sql.Scalar<long>(db, "SELECT count(DISTINCT node) FROM selections WHERE chip_id IS NOT NULL") == 2,
            TimeSpan.FromSeconds(20), "both nodes to grant selections");
        // Where the chips' grains live now: the test is about those on the node that dies, so the node holding
        // more of them dies (placement may have put every chip on the node that started first).
        var onA = await ChipGrainsOnAsync(cs, db, "node-a");
        var onB = await ChipGrainsOnAsync(cs, db, "node-b");
        output.WriteLine($"chip grains before the kill: {onA} on node-a, {onB} on node-b");
        var victim = onB >= onA ? b : a;
        Assert.True(Math.Max(onA, onB) > 0, "no chip grain lived on either node");
        victim.Kill();
        Volatile.Write(ref dead, victim);
        var killedAt = DateTimeOffset.UtcNow;
        await load;
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(x => x.Value).Select(x => $"{x.Key}={x.Value}")));
        Assert.DoesNotContain(outcomes.Keys, k => k.StartsWith("500"));

        // Every chip took sends again after the kill, those whose grains were on the dead node included
        // (they move to the survivor once the cluster declares the node dead).
        var resumed = await Sql.Scalar<long>(db, "SELECT count(DISTINCT chip_id) FROM selections WHERE chip_id IS NOT NULL AND at > @k", ("k", killedAt));
        var slowest = await Sql.Scalar<double>(db, """
            SELECT extract(epoch FROM max(first) - @k)::float8 FROM (SELECT min(at) AS first FROM selections WHERE chip_id IS NOT NULL AND at > @k GROUP BY chip_id) x
            """, ("k", killedAt));
        output.WriteLine($"{resumed} chips took sends after the kill; the last one {slowest:F1} s after it");
        Assert.Equal((long)Chips, resumed);
        Assert.True(slowest < 15, $"a chip took its first send after the kill only {slowest:F1} s later");

        var reserved = await Sql.Scalar<long>(db, "SELECT count(*) FROM selections WHERE chip_id IS NOT NULL");
        Assert.True(reserved >= Chips, $"only {reserved} reservations");
        Assert.Equal(0L, await CapInvariants.OverHourCapAsync(db, HourCap));
        Assert.Equal(0L, await CapInvariants.ShortGapsAsync(db, TimeSpan.FromSeconds(2.25)));
        // One grant per selection, however its chip's node died under it (each request is a new contact).
        Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM (SELECT contact FROM selections WHERE chip_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) x"));
        // Every charge the chips hold has its decision, and the other way round.
        Assert.Equal(0L, await CapInvariants.CountersOffAsync(db));
        (victim == a ? b : a).Kill();
    }

    /// <summary>How many ChipGrain activations the node named <paramref name="node"/> holds (asked as an Orleans client).</summary>
    static async Task<int> ChipGrainsOnAsync(string cs, NpgsqlDataSource db, string node)
    {
        var port = await Sql.Scalar<int>(db, "SELECT port FROM orleansmembership WHERE siloname = @n AND status = 3", ("n", node));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseJuliaCluster(cs));
        using var client = builder.Build();
        await client.StartAsync();
        try
        {
            var stats = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            return stats.Count(s => s.GrainType.Contains("ChipGrain") && s.SiloAddress.Endpoint.Port == port);
        }
        finally { await client.StopAsync(); }
    }
}
