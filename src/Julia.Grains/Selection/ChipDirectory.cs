using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Domain.Selection;
using Julia.Storage.Chips;

namespace Julia.Grains.Selection;

/// <summary>
/// This node's chip directory: the chip summaries selection ranks on, shared by every conversation
/// grain on the node. Read again after <c>SnapshotTtl</c> or at once when any node NOTIFYs a change;
/// patched in place from every chip grain's answer. It may be stale: the chip grain re-checks everything
/// on its own state, so staleness costs a retry, never a cap.
/// </summary>
public sealed class ChipDirectory(ChipStore store, SelectionOptions options)
{
    // Copy-on-write: readers take the array as it is, without locks; an update publishes a new one.
    volatile ChipSummary[] _chips = [];
    readonly Lock _writing = new();
    readonly SemaphoreSlim _loading = new(1, 1);
    long _loadedAt = long.MinValue;
    volatile bool _invalid = true;

    readonly ConcurrentDictionary<long, int> _inFlight = new();

    public void Invalidate() => _invalid = true;

    /// <summary>
    /// Marks a chip as being reserved by this node right now. Concurrent selections on this node
    /// try it last, so they spread over the next-best chips instead of racing for the same row.
    /// </summary>
    public IDisposable Claiming(long chipId)
    {
        _inFlight.AddOrUpdate(chipId, 1, (_, n) => n + 1);
        return new Release(this, chipId);
    }

    /// <summary>
    /// Ranked candidates with those this node is already reserving moved to the back (order kept otherwise).
    /// Always every candidate, once: the in-flight set is read once. (Reading it twice, lazily, once lost a
    /// chip released between the two reads; with one candidate the selection had none and answered 500.)
    /// </summary>
    public List<ChipSummary> FreeFirst(IReadOnlyList<ChipSummary> ranked)
    {
        var busy = new HashSet<long>();
        foreach (var c in ranked) if (_inFlight.ContainsKey(c.Id)) busy.Add(c.Id);
        if (busy.Count == 0) return [.. ranked];
        return [.. ranked.Where(c => !busy.Contains(c.Id)), .. ranked.Where(c => busy.Contains(c.Id))];
    }

    sealed class Release(ChipDirectory owner, long id) : IDisposable
    {
        public void Dispose()
        {
            if (owner._inFlight.AddOrUpdate(id, 0, (_, n) => n - 1) <= 0) owner._inFlight.TryRemove(KeyValuePair.Create(id, 0));
        }
    }

    /// <summary>Replaces one chip with the state the database just returned.</summary>
    public void Update(ChipSummary? current)
    {
        if (current is null) return;
        lock (_writing)
        {
            var chips = _chips;
            int i = Array.FindIndex(chips, c => c.Id == current.Id);
            _chips = i < 0 ? [.. chips, current] : [.. chips[..i], current, .. chips[(i + 1)..]];
        }
    }

    public async ValueTask<IReadOnlyList<ChipSummary>> GetAsync(CancellationToken ct)
    {
        if (IsStale)
        {
            await _loading.WaitAsync(ct);
            try
            {
                if (IsStale)
                {
                    _invalid = false;
                    var rows = await store.SelectableAsync(ct);
                    lock (_writing) _chips = [.. rows.Select(r => r.Summary)];
                    _loadedAt = Stopwatch.GetTimestamp();
                }
            }
            finally { _loading.Release(); }
        }
        return _chips;
    }

    bool IsStale => _invalid || Stopwatch.GetElapsedTime(_loadedAt) > options.SnapshotTtl;
}
