using System.Collections.Concurrent;
using Julia.Grains;
using Julia.Grains.Trust;
using Microsoft.Extensions.Options;

namespace Julia.Server.Trust;

/// <summary>
/// Keeps trust scores current from stored events: chips touched by a send result, receipt, inbound
/// message or signal are recomputed shortly after, by the node that saw the event. Every chip is also
/// recomputed by the pool grain's cycle (one node, on a reminder). Each change is stored in trust_log.
/// </summary>
public sealed class TrustWorker(TrustPass pass, Clock time, IOptions<TrustOptions> options, ILogger<TrustWorker> log) : BackgroundService
{
    readonly ConcurrentDictionary<long, byte> _dirty = new();

    public void Touched(long chipId)
    {
        if (options.Value.Enabled) _dirty.TryAdd(chipId, 0);
    }

    /// <summary>Recomputes the given chips (all when null); returns how many scores changed.</summary>
    public Task<int> RecomputeAsync(long[]? chipIds, string cause, CancellationToken ct) =>
        pass.RecomputeAsync(chipIds, cause, time.GetUtcNow(), ct);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Value.Enabled) return;
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(options.Value.EventDelay, stop); } catch (OperationCanceledException) { return; }
            try
            {
                var ids = _dirty.Keys.ToArray();
                foreach (var id in ids) _dirty.TryRemove(id, out _);
                if (ids.Length > 0) await RecomputeAsync(ids, "event", stop);
            }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("Trust pass failed: {Error}", e.Message); }
        }
    }
}
