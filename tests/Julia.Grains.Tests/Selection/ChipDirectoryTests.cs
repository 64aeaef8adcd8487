using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Grains.Selection;

namespace Julia.Grains.Tests.Selection;

public class ChipDirectoryTests
{
    static ChipSummary Chip(long id) => new(id, $"+55119800000{id:00}", $"chip-{id}", 11, ChipStatus.Active, 90, RampStage.Operating,
        true, null, BreakerState.Closed, null, null, null, 0, null, 0);

    /// <summary>
    /// Every candidate comes back exactly once, however this node's claims come and go meanwhile. (The
    /// in-flight set used to be read twice, lazily; a chip released between the reads was in neither half,
    /// and a lone candidate vanishing would make the selection index an empty list: a 500.)
    /// </summary>
    [Fact]
    public async Task Every_candidate_comes_back_once_while_claims_come_and_go()
    {
        var snapshot = new ChipDirectory(null!, new SelectionOptions("test", TimeSpan.FromSeconds(1), 10));
        ChipSummary[] ranked = [Chip(1)];
        using var stop = new CancellationTokenSource();
        var toggler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (snapshot.Claiming(1)) Thread.SpinWait(20);
                Thread.SpinWait(20);
            }
        });
        try
        {
            for (int i = 0; i < 200_000; i++) Assert.Single(snapshot.FreeFirst(ranked));
        }
        finally
        {
            stop.Cancel();
            await toggler;
        }
    }

    [Fact]
    public void Chips_being_reserved_here_go_last_in_rank_order()
    {
        var snapshot = new ChipDirectory(null!, new SelectionOptions("test", TimeSpan.FromSeconds(1), 10));
        ChipSummary[] ranked = [Chip(1), Chip(2), Chip(3), Chip(4)];
        using var a = snapshot.Claiming(1);
        using var c = snapshot.Claiming(3);
        Assert.Equal([2L, 4L, 1L, 3L], snapshot.FreeFirst(ranked).Select(x => x.Id));
    }

    /// <summary>
    /// A refresh shows the rows as committed when its read began. A chip's grain that answers while the read
    /// is in flight (it has just charged the chip) is newer, and the refresh keeps it; the next refresh,
    /// with no answer in flight, takes the row again.
    /// </summary>
    [Fact]
    public async Task A_refresh_does_not_undo_a_grain_answer_given_while_it_was_reading()
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("directory_refresh"));
        var id = await Seed.ChipAsync(db, DateTimeOffset.UtcNow);
        var directory = new ChipDirectory(new Julia.Storage.Chips.ChipStore(db, new Julia.Domain.Alerts.AlertPolicy()), new SelectionOptions("test", TimeSpan.FromMinutes(1), 10));
        var read = (await directory.GetAsync(default)).Find(id)!;
        Assert.Equal(0, read.SentThisHour);

        // Hold the refresh's read behind a lock until the grain's answer has been applied.
        await using var blocker = await db.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockChips = new Npgsql.NpgsqlCommand("LOCK TABLE chips IN ACCESS EXCLUSIVE MODE", blocker, tx)) await lockChips.ExecuteNonQueryAsync();
        directory.Invalidate();
        var refresh = directory.GetAsync(default).AsTask();
        await Eventually.Until(
            () => Sql.Scalar<long>(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM chips%'"),
            n => n > 0, what: "the refresh waiting on the lock");
        directory.Update(read with { SentThisHour = 5, HourBucket = Candidates.HourOf(DateTimeOffset.UtcNow) });
        await tx.RollbackAsync();

        Assert.Equal(5, (await refresh).Find(id)!.SentThisHour);
        directory.Invalidate();
        Assert.Equal(0, (await directory.GetAsync(default)).Find(id)!.SentThisHour);
    }
}
