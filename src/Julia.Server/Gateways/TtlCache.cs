using System.Collections.Concurrent;
using System.Diagnostics;

namespace Julia.Server.Gateways;

/// <summary>
/// Values by key, each kept for <paramref name="ttl"/> after it was read. <c>keep</c> says which reads are kept: a
/// miss answered from the cache would refuse the webhooks of a chip registered a moment later, so the keys' caches
/// keep only hits.
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeSpan ttl) where TKey : notnull
{
    readonly ConcurrentDictionary<TKey, (TValue Value, long At)> _items = new();

    public async ValueTask<TValue> GetAsync(TKey key, Func<Task<TValue>> read, Func<TValue, bool>? keep = null)
    {
        if (_items.TryGetValue(key, out var hit) && Stopwatch.GetElapsedTime(hit.At) < ttl) return hit.Value;
        var value = await read();
        if (keep?.Invoke(value) ?? true) _items[key] = (value, Stopwatch.GetTimestamp());
        return value;
    }
}
