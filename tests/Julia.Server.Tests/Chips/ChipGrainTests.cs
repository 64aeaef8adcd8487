using Julia.Domain.Selection;
using Julia.Grains.Chips;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Chips;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Chips;

/// <summary>
/// The chip grain as cap authority, on real silos and a real database: a repeated request is charged once;
/// a second activation of the same chip (two clusters sharing a ServiceId and a database) working from a
/// stale copy cannot charge past the cap; a change made behind the grain's back is honoured.
/// </summary>
public class ChipGrainTests(ITestOutputHelper output)
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 10, 0, TimeSpan.Zero);
    static readonly DateOnly Day = new(2026, 11, 23);

    static async Task<(NpgsqlDataSource Db, string Cs, long Chip)> ArrangeAsync(string name)
    {
        var cs = await TestPostgres.CreateDatabaseAsync(name);
        var db = NpgsqlDataSource.Create(cs);
        return (db, cs, await Seed.ChipAsync(db, Now.AddDays(-1), trust: 90));
    }

    static async Task<ChipSummary> RowAsync(NpgsqlDataSource db, long id) => (await new ReservationStore(db).LoadAsync(id, default))!.Chip;

    static ReserveRequest Request(ChipSummary planned, string id, DateTimeOffset at, int perHour = 5) =>
        new(id, planned.ToView(), perHour, 100, TimeSpan.FromSeconds(45), at, Day,
            new Decision("+5511987650001", "reply", false, 1, new Dictionary<string, int>(), false, null, "test"));

    [Fact]
    public async Task A_request_repeated_after_a_timeout_is_charged_once()
    {
        var (db, cs, id) = await ArrangeAsync("chipgrain_idem");
        await using var _ = db;
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Now)).Output(output).StartAsync();
        var chip = node.Get<IGrainFactory>().GetGrain<IChipGrain>(id);
        var planned = await RowAsync(db, id);

        var first = await chip.TryReserveAsync(Request(planned, "req-1", Now));
        var again = await chip.TryReserveAsync(Request(planned, "req-1", Now.AddSeconds(50)) with { Repeat = true });
        Assert.True(first.Reserved && again.Reserved);
        Assert.Equal(1, (await RowAsync(db, id)).SentThisHour);
        Assert.Equal(first.Recorded!.SelectionId, again.Recorded!.SelectionId); // the first answer, not a second decision
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM selections"));

        // Even a new activation (here, of a second cluster on the same database) finds the first grant, in selections.
        await using (var other = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Now)).Set("Orleans:ClusterId", "other").Output(output).StartAsync())
        {
            var third = await other.Get<IGrainFactory>().GetGrain<IChipGrain>(id).TryReserveAsync(Request(planned, "req-1", Now.AddSeconds(100)) with { Repeat = true });
            Assert.True(third.Reserved);
            Assert.Equal(first.Recorded!.SelectionId, third.Recorded!.SelectionId);
        }
        Assert.Equal(1, (await RowAsync(db, id)).SentThisHour);
        Assert.Equal(2, (await chip.TryReserveAsync(Request(planned, "req-2", Now.AddSeconds(100)))).Current.SentThisHour);
    }

    [Fact]
    public async Task A_stale_second_activation_cannot_charge_past_the_cap()
    {
        var (db, cs, id) = await ArrangeAsync("chipgrain_stale");
        await using var _ = db;
        // Two clusters on one database and ServiceId: each runs its own activation of the same chip.
        await using var a = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Now)).Set("Orleans:ClusterId", "cluster-a").Output(output).StartAsync();
        await using var b = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Now)).Set("Orleans:ClusterId", "cluster-b").Output(output).StartAsync();
        var planned = await RowAsync(db, id);
        var inA = a.Get<IGrainFactory>().GetGrain<IChipGrain>(id);
        var inB = b.Get<IGrainFactory>().GetGrain<IChipGrain>(id);

        // B reads the chip (and refuses a plan made on another trust score), then A takes the hour's only slot.
        Assert.Equal("changed", (await inB.TryReserveAsync(Request(planned with { TrustScore = 50 }, "b-0", Now, perHour: 1))).Refusal);
        Assert.True((await inA.TryReserveAsync(Request(planned, "a-1", Now, perHour: 1))).Reserved);

        // B's copy still shows an empty hour; its write is refused on the row's version, it reads again, and refuses.
        var late = await inB.TryReserveAsync(Request(planned, "b-1", Now.AddMinutes(5), perHour: 1));
        Assert.Equal((false, "hour_cap"), (late.Reserved, late.Refusal));
        var row = await RowAsync(db, id);
        Assert.Equal((1, Now), (row.SentThisHour, row.LastSentAt));
    }

    [Fact]
    public async Task A_pause_made_behind_the_grains_back_is_honoured()
    {
        var (db, cs, id) = await ArrangeAsync("chipgrain_oob");
        await using var _ = db;
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(Now)).Output(output).StartAsync();
        var chip = node.Get<IGrainFactory>().GetGrain<IChipGrain>(id);
        var planned = await RowAsync(db, id);
        Assert.True((await chip.TryReserveAsync(Request(planned, "r-1", Now))).Reserved);

        await Sql.Exec(db, "UPDATE chips SET status = 'paused', paused_from = 'active' WHERE id = @id", ("id", id));
        var refused = await chip.TryReserveAsync(Request(planned, "r-2", Now.AddMinutes(1)));
        Assert.Equal((false, "changed", "paused"), (refused.Reserved, refused.Refusal, refused.Current.Status));

        await Sql.Exec(db, "UPDATE chips SET status = 'active', paused_from = NULL WHERE id = @id", ("id", id));
        Assert.True((await chip.TryReserveAsync(Request(planned, "r-3", Now.AddMinutes(2)))).Reserved);
        Assert.Equal(2, (await RowAsync(db, id)).SentThisHour);
    }
}
