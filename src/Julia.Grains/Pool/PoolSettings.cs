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

    sealed record Cached(PoolView View, long LoadedAt);

    public void Invalidate() => _cached = null;

    public async ValueTask<PoolConfig> GetAsync(CancellationToken ct) => (await ViewAsync(ct)).Config;

    public async ValueTask<PoolView> ViewAsync(CancellationToken ct)
    {
        var c = _cached;
        if (c is not null && Stopwatch.GetElapsedTime(c.LoadedAt) < Ttl) return c.View;
        var started = Stopwatch.GetTimestamp();
        var (config, tripped) = await store.SettingsAsync(ct);
        var view = new PoolView(Normalise(config), tripped);
        // A change that landed while this read ran dropped the cache; the read may predate it, so it is not kept.
        if (ReferenceEquals(_cached, c)) _cached = new Cached(view, started);
        return view;
    }

    /// <summary>Sections sent as null mean "use the defaults".</summary>
    public static PoolConfig Normalise(PoolConfig c) =>
        c with { Targets = c.Targets ?? new(), Window = c.Window ?? new(), Caps = c.Caps ?? new(), Contacts = c.Contacts ?? new(), Announcement = c.Announcement ?? new PoolConfig().Announcement };
}
