using System.Collections.Concurrent;
using Julia.Domain.Trust;
using Julia.Server.Leadership;
using Julia.Storage.Trust;

namespace Julia.Server.Trust;

/// <summary>Section <c>Trust</c>.</summary>
public sealed class TrustOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Every chip is recomputed this often by the leader (DESIGN: 15 min).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Chips touched by an event are recomputed within this delay by the node that saw it.</summary>
    public TimeSpan EventDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Keeps trust scores current from stored events: chips touched by a send result, receipt, inbound
/// message or signal are recomputed shortly after; the leader recomputes every chip periodically.
/// Each change is stored with its factors in trust_log.
/// </summary>
public sealed class TrustWorker(TrustStore store, LeaderLease leader, TimeProvider time, TrustOptions options, ILogger<TrustWorker> log) : BackgroundService
{
    readonly ConcurrentDictionary<long, byte> _dirty = new();
    DateTimeOffset _lastFull = DateTimeOffset.MinValue;

    public void Touched(long chipId)
    {
        if (options.Enabled) _dirty.TryAdd(chipId, 0);
    }

    /// <summary>Recomputes the given chips (all when null); returns how many scores changed.</summary>
    public async Task<int> RecomputeAsync(long[]? chipIds, string cause, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        int changed = 0;
        foreach (var (chip, inputs) in await store.InputsAsync(chipIds, now, ct))
        {
            var result = TrustScore.Compute(inputs);
            if (await store.SaveAsync(chip, result, cause, now, ct)) changed++;
        }
        return changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Enabled) return;
        _lastFull = time.GetUtcNow(); // the first full pass comes one interval after start
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(options.EventDelay, stop); } catch (OperationCanceledException) { return; }
            try
            {
                var ids = _dirty.Keys.ToArray();
                foreach (var id in ids) _dirty.TryRemove(id, out _);
                if (ids.Length > 0) await RecomputeAsync(ids, "event", stop);
                if (leader.IsLeader && time.GetUtcNow() - _lastFull >= options.Interval)
                {
                    _lastFull = time.GetUtcNow();
                    var n = await RecomputeAsync(null, "periodic", stop);
                    log.LogInformation("Periodic trust pass changed {Count} score(s)", n);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("Trust pass failed: {Error}", e.Message); }
        }
    }
}
