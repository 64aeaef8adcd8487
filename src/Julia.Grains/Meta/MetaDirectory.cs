using System.Diagnostics;
using Julia.Domain.Selection;
using Julia.Storage.Meta;

namespace Julia.Grains.Meta;

/// <summary>
/// This node's list of Meta chips (their WABA and portfolio), which selection needs to apply the 24-hour window and the
/// portfolio budget. Read again in the background every <see cref="Ttl"/>, and at once (the selection waits) when the chip
/// directory holds a chip registered after the last read (a new Meta chip must never be taken for an Evolution one);
/// otherwise a selection reads nothing.
/// </summary>
public sealed class MetaDirectory(MetaChipIndex index) : IDisposable
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    volatile View _view = new([], -1, long.MinValue);
    readonly SemaphoreSlim _loading = new(1, 1);
    ChipSet? _checked;

    sealed record View(Dictionary<long, MetaChipPlace> Chips, long Highest, long LoadedAt);

    /// <summary>The Meta chips as of now, for a selection that ranks <paramref name="chips"/>.</summary>
    public async ValueTask<IReadOnlyDictionary<long, MetaChipPlace>> GetAsync(ChipSet chips, CancellationToken ct)
    {
        var v = _view;
        if (ReferenceEquals(chips, _checked) || !Newer(chips, v.Highest))
        {
            _checked = chips;
            // Past its time the list is read again in the background; this selection (and those meanwhile) use the one in hand.
            if (Stopwatch.GetElapsedTime(v.LoadedAt) >= Ttl && _loading.Wait(0, CancellationToken.None))
                _ = Task.Run(async () =>
                {
                    try { await ReloadAsync(CancellationToken.None); }
                    catch (Exception) { /* the next selection tries again */ }
                    finally { _loading.Release(); }
                }, CancellationToken.None);
            return v.Chips;
        }
        // A chip registered after the last read could be a Meta chip: read now, before it is ranked.
        await _loading.WaitAsync(ct);
        try
        {
            if (Newer(chips, _view.Highest)) await ReloadAsync(ct);
            _checked = chips;
            return _view.Chips;
        }
        finally { _loading.Release(); }
    }

    async Task ReloadAsync(CancellationToken ct)
    {
        var (list, highest) = await index.ReadAsync(ct);
        _view = new View(list.ToDictionary(c => c.ChipId), highest, Stopwatch.GetTimestamp());
    }

    public void Dispose() => _loading.Dispose();

    static bool Newer(ChipSet chips, long highest)
    {
        foreach (var c in chips.Chips) if (c.Id > highest) return true;
        return false;
    }
}
