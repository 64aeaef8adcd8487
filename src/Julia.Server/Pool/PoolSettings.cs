using System.Diagnostics;
using Julia.Domain.Pool;
using Julia.Storage.Pool;

namespace Julia.Server.Pool;

/// <summary>The pool configuration, cached for a few seconds and dropped at once on NOTIFY.</summary>
public sealed class PoolSettings(PoolStore store)
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    volatile Cached? _cached;

    sealed record Cached(PoolConfig Config, long LoadedAt);

    public void Invalidate() => _cached = null;

    public async ValueTask<PoolConfig> GetAsync(CancellationToken ct)
    {
        var c = _cached;
        if (c is not null && Stopwatch.GetElapsedTime(c.LoadedAt) < Ttl) return c.Config;
        var config = Normalise(await store.ConfigAsync(ct));
        _cached = new Cached(config, Stopwatch.GetTimestamp());
        return config;
    }

    /// <summary>Sections sent as null mean "use the defaults".</summary>
    public static PoolConfig Normalise(PoolConfig c) =>
        c with { Targets = c.Targets ?? new(), Window = c.Window ?? new(), Caps = c.Caps ?? new(), Announcement = c.Announcement ?? new PoolConfig().Announcement };
}
