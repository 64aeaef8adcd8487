using System.Diagnostics;
using Julia.Domain.Pool;
using Julia.Storage.Pool;

namespace Julia.Grains.Pool;

/// <summary>The pool configuration and whether prospecting is paused, as selection reads them on every call.</summary>
public sealed record PoolView(PoolConfig Config, bool GateTripped);

/// <summary>
/// The pool configuration and gate, cached on this node for a few seconds and dropped at once when any
/// node changes either (a trigger NOTIFYs; the node that made the change also drops it itself, so its
/// own next selection already sees it).
/// </summary>
public sealed class PoolSettings(PoolStore store)
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    volatile Cached? _cached;
    long _generation;

    sealed record Cached(PoolView View, long LoadedAt);

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cached = null;
    }

    public async ValueTask<PoolConfig> GetAsync(CancellationToken ct) => (await ViewAsync(ct)).Config;

    public async ValueTask<PoolView> ViewAsync(CancellationToken ct)
    {
        var c = _cached;
        if (c is not null && Stopwatch.GetElapsedTime(c.LoadedAt) < Ttl) return c.View;
        var started = Stopwatch.GetTimestamp();
        var generation = Interlocked.Read(ref _generation);
        var (config, tripped) = await store.SettingsAsync(ct);
        var view = new PoolView(Normalise(config), tripped);
        // A change that landed while this read ran may postdate what it read, so the read is not kept. The generation
        // tells even when the cache was already empty as the read began (comparing the cached copy did not: a stale
        // pool config then stayed for the whole TTL, and the hour-cap test saw min_gap refusals).
        if (Interlocked.Read(ref _generation) == generation) _cached = new Cached(view, started);
        return view;
    }

    /// <summary>Sections sent as null mean "use the defaults".</summary>
    public static PoolConfig Normalise(PoolConfig c) =>
        c with
        {
            Targets = c.Targets ?? new(),
            Window = c.Window ?? new(),
            Caps = c.Caps ?? new(),
            Contacts = c.Contacts ?? new(),
            Announcement = c.Announcement ?? new PoolConfig().Announcement
        };
}
