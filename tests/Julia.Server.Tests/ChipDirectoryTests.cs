using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Grains.Selection;

namespace Julia.Server.Tests;

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
}
