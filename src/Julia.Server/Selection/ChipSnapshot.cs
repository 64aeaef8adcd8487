using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Domain.Selection;
using Julia.Storage.Chips;
using Microsoft.Extensions.Options;

namespace Julia.Server.Selection;

/// <summary>
/// In-memory chip summaries that selection ranks on. Read again after <c>SnapshotTtl</c> or at once
/// when another node NOTIFYs a change; patched in place from every reservation's answer. It may be
/// stale: the reserving UPDATE re-checks everything, so staleness costs a retry, never a cap.
/// </summary>
public sealed class ChipSnapshot(ChipStore store, IOptions<JuliaOptions> options)
{
    readonly ConcurrentDictionary<long, ChipSummary> _chips = new();
    readonly SemaphoreSlim _loading = new(1, 1);
    long _loadedAt = long.MinValue;
    volatile bool _invalid = true;

    public void Invalidate() => _invalid = true;

    /// <summary>Replaces one chip with the state the database just returned.</summary>
    public void Update(ChipSummary? current)
    {
        if (current is not null) _chips[current.Id] = current;
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
                    _chips.Clear();
                    foreach (var r in rows) _chips[r.Id] = r.Summary;
                    _loadedAt = Stopwatch.GetTimestamp();
                }
            }
            finally { _loading.Release(); }
        }
        return [.. _chips.Values];
    }

    bool IsStale => _invalid || Stopwatch.GetElapsedTime(_loadedAt) > options.Value.SnapshotTtl;
}
