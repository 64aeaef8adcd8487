using System.Collections.Concurrent;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Auth;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Selection;

/// <summary>
/// Caps and gaps must hold however many clients and nodes race for the same chips. Two server
/// instances share one database and one clock; 32 clients make 20,000 selections over 20 chips
/// with small caps while the clock moves forward; the invariants are counted from the database.
/// </summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    const int Clients = 32, Selections = 20_000, Chips = 20, HourCap = 4, DayCap = 12;

    [Fact]
    public async Task Caps_and_min_gap_hold_across_two_nodes_and_32_clients()
    {
        var clock = new ManualClock(ManualClock.MondayNoon);
        var cs = await TestPostgres.CreateDatabaseAsync("concurrency");
        await using var db = NpgsqlDataSource.Create(cs);
        for (int i = 0; i < Chips; i++) await Seed.ChipAsync(db, clock.GetUtcNow(), trust: 90, ddd: i % 2 == 0 ? 11 : 21);
        var key = await new ApiKeyStore(db).CreateAsync("load", ["agent", "operator"], clock.GetUtcNow(), default);

        await using var nodeA = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set("Julia:NodeId", "node-a").Output(output).StartAsync();
        await using var nodeB = await TestHost.Builder().OnDatabase(cs).Clock(clock).Set("Julia:NodeId", "node-b").Output(output).StartAsync();
        await nodeA.Client(key).PutPoolConfigAsync(new { targets = new { activeMax = Chips }, caps = new { operating = new { perHour = HourCap, perDay = DayCap } } });
        nodeB.Get<Julia.Grains.Pool.PoolSettings>().Invalidate();

        var outcomes = new ConcurrentDictionary<string, int>();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var client = (c % 2 == 0 ? nodeA : nodeB).Client(key);
            var rng = new Random(c);
            while (Interlocked.Increment(ref next) < Selections)
            {
                var contact = $"+55119{rng.Next(1, 3000) + 10000000:00000000}";
                var kind = rng.Next(10) < 7 ? "reply" : "followup";
                string outcome;
                try { outcome = (await client.SelectAsync(contact, kind)).Reason; }
                catch (JuliaApiException e) when (e.Status is 409 or 422) { outcome = e.Code; }
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }));
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(x => x.Value).Select(x => $"{x.Key}={x.Value}")));

        Assert.Equal((long)Selections, await Sql.Scalar<long>(db, "SELECT count(*) FROM selections"));
        var reserved = await Sql.Scalar<long>(db, "SELECT count(*) FROM selections WHERE chip_id IS NOT NULL");
        Assert.True(reserved >= Chips * HourCap, $"only {reserved} reservations: the test did not load the caps");
        Assert.Equal(2L, await Sql.Scalar<long>(db, "SELECT count(DISTINCT node) FROM selections WHERE chip_id IS NOT NULL"));

        var overHour = await CapInvariants.OverHourCapAsync(db, HourCap);
        var overDay = await CapInvariants.OverDayCapAsync(db, DayCap);
        var shortGaps = await CapInvariants.ShortGapsAsync(db, TimeSpan.FromSeconds(45));
        var fullHours = await Sql.Scalar<long>(db, $"""
            SELECT count(*) FROM (SELECT chip_id, date_trunc('hour', at AT TIME ZONE 'UTC') FROM selections
                                  WHERE chip_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) = {HourCap}) x
            """);
        output.WriteLine($"reserved={reserved} fullHours={fullHours}");
        Assert.Equal(0L, overHour);
        Assert.Equal(0L, overDay);
        Assert.Equal(0L, shortGaps);
        Assert.True(fullHours > 0, "no chip ever reached its hour cap: the caps were not exercised");
        // The row counters agree with the audit rows they were written with.
        Assert.Equal(0L, await CapInvariants.CountersOffAsync(db));
    }
}
