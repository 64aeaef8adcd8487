using System.Diagnostics;
using Julia.Domain.Selection;
using Julia.Storage.Meta;

namespace Julia.Grains.Meta;

/// <summary>
/// This node's list of Meta chips (their WABA and portfolio), which selection needs to apply the 24-hour window and the
/// portfolio budget. Read again every <see cref="Ttl"/>, or at once when the chip directory holds a chip registered after
/// the last read (a new Meta chip must never be taken for an Evolution one); otherwise a selection reads nothing.
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
        if (Stopwatch.GetElapsedTime(v.LoadedAt) < Ttl && (ReferenceEquals(chips, _checked) || !Newer(chips, v.Highest)))
        {
            _checked = chips;
            return v.Chips;
        }
        await _loading.WaitAsync(ct);
        try
        {
            v = _view;
            if (Stopwatch.GetElapsedTime(v.LoadedAt) >= Ttl || Newer(chips, v.Highest))
            {
                var (list, highest) = await index.ReadAsync(ct);
                _view = v = new View(list.ToDictionary(c => c.ChipId), highest, Stopwatch.GetTimestamp());
            }
            _checked = chips;
            return v.Chips;
        }
        finally { _loading.Release(); }
    }

    public void Dispose() => _loading.Dispose();

    static bool Newer(ChipSet chips, long highest)
    {
        foreach (var c in chips.Chips) if (c.Id > highest) return true;
        return false;
    }
}
