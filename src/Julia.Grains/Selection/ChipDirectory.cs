using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Storage.Chips;

namespace Julia.Grains.Selection;

/// <summary>
/// This node's chip directory: the chip summaries selection ranks on, shared by every conversation
/// grain on the node. Read again after <c>SnapshotTtl</c> or at once when any node NOTIFYs a change;
/// patched in place from every chip grain's answer. It may be stale: the chip grain re-checks everything
/// on its own state, so staleness costs a retry, never a cap.
/// </summary>
public sealed class ChipDirectory(ChipStore store, SelectionOptions options) : IDisposable
{
    // Readers take the set as it is, without locks; a reload with other chips publishes a new one.
    volatile ChipSet _set = ChipSet.Empty;
    readonly Lock _writing = new();
    readonly SemaphoreSlim _loading = new(1, 1);
    long _loadedAt = long.MinValue;
    // Changes announced, and how many of them the newest finished read began after: a caller that finds the
    // read behind waits for one that began after the change (not merely for the read in progress to start).
    long _announced = 1, _readAfter;
    // Grain answers applied so far, and the count at each chip's latest one (both under _writing): a read
    // shows the rows as committed when it began, so a copy a grain answered with after that stays (a charge
    // committed during the read would otherwise be undone here, and the next selections plan on a chip the
    // grain has already refused).
    long _answers;
    readonly Dictionary<long, long> _answeredAt = [];

    readonly ConcurrentDictionary<long, int> _inFlight = new();

    public void Invalidate() => Interlocked.Increment(ref _announced);

    bool Behind => Interlocked.Read(ref _readAfter) < Interlocked.Read(ref _announced);

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

    /// <summary>
    /// Replaces one chip with the state its grain just returned: in place (a reader sees the old or the new
    /// copy, see <see cref="ChipSet"/>), found through the id index, so a pool of thousands costs no copy.
    /// </summary>
    public void Update(ChipSummary? current)
    {
        if (current is null) return;
        lock (_writing)
        {
            _answeredAt[current.Id] = ++_answers;
            // A chip retired behind the directory's back is not added back by its grain's answer.
            if (!_set.Replace(current) && current.Status != ChipStatus.Retired) _set = new ChipSet([.. _set.Chips, current]);
        }
    }

    /// <summary>
    /// The chips to rank. After a change was announced (or before the first read) the caller waits for a
    /// fresh read. When the copy is merely old (the TTL), it is refreshed in the background and callers go
    /// on with the old one meanwhile: with thousands of chips, a read every second would otherwise stall
    /// every selection queued behind it.
    /// </summary>
    public async ValueTask<ChipSet> GetAsync(CancellationToken ct)
    {
        if (Behind)
        {
            await _loading.WaitAsync(ct);
            try
            {
                if (Behind) await LoadAsync(ct);
            }
            finally { _loading.Release(); }
        }
        else if (Stopwatch.GetElapsedTime(_loadedAt) > options.SnapshotTtl && _loading.Wait(0, CancellationToken.None))
        {
            _ = Task.Run(async () =>
            {
                try { await LoadAsync(CancellationToken.None); }
                catch (Exception) { Invalidate(); } // the next caller reads it, and sees the failure
                finally { _loading.Release(); }
            }, CancellationToken.None);
        }
        return _set;
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var announced = Interlocked.Read(ref _announced);
        long before;
        lock (_writing) before = _answers;
        var rows = await store.SelectableAsync(ct);
        lock (_writing)
        {
            ChipSummary Newest(ChipSummary read) =>
                _answeredAt.TryGetValue(read.Id, out var at) && at > before && _set.Find(read.Id) is { } answered ? answered : read;
            // The same chips as before (the usual case: a refresh) are replaced in place, so a pool of thousands
            // does not allocate a new set and index (large objects, collected only by full GCs) every second.
            // (Newer copies replaced before a chip that left or arrived is met are harmless: the set is rebuilt.)
            bool same = rows.Count == _set.Chips.Length;
            for (int i = 0; same && i < rows.Count; i++) same = _set.Replace(Newest(rows[i].Summary));
            if (!same) _set = new ChipSet([.. rows.Select(r => Newest(r.Summary))]);
            foreach (var (id, at) in _answeredAt) if (at <= before) _answeredAt.Remove(id);
        }
        _loadedAt = Stopwatch.GetTimestamp();
        // Only now may callers go on without waiting: until this read is published, they would rank the old set.
        // (Clearing an "invalid" flag as the read began let a caller arriving during the read rank the set from
        // before the change: the hour-cap test saw a chip retired behind the grains still ranked, and its answer
        // added back.)
        Interlocked.Exchange(ref _readAfter, announced);
    }

    public void Dispose() => _loading.Dispose();
}
