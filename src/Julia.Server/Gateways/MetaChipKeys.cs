using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Providers.Meta;
using Julia.Storage.Meta;

namespace Julia.Server.Gateways;

/// <summary>
/// Meta chips by the keys Meta's webhooks route by, cached for a short while (every webhook needs them; they change only
/// when a chip is registered or retired). Only hits are cached: a chip registered a moment ago must be found at once.
/// </summary>
public sealed class MetaChipKeys(MetaChipStore store) : IMetaChips
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    readonly ConcurrentDictionary<string, (IReadOnlyList<MetaChip> Chips, long At)> _cache = new();

    public async ValueTask<MetaChip?> ByPhoneNumberIdAsync(string phoneNumberId, CancellationToken ct) =>
        First(await CachedAsync("pnid:" + phoneNumberId, () => store.ByPhoneNumberIdAsync(phoneNumberId, ct)));

    public async ValueTask<MetaChip?> ByDisplayNumberAsync(string digits, CancellationToken ct) =>
        First(await CachedAsync("display:" + digits, () => store.ByDisplayNumberAsync(digits, ct)));

    static MetaChip? First(IReadOnlyList<MetaChip> chips) => chips.Count > 0 ? chips[0] : null;

    public ValueTask<IReadOnlyList<MetaChip>> ByWabaAsync(string wabaId, CancellationToken ct) =>
        CachedAsync("waba:" + wabaId, () => store.ByWabaAsync(wabaId, ct));

    public ValueTask<IReadOnlyList<MetaChip>> ByPortfolioAsync(string portfolioId, CancellationToken ct) =>
        CachedAsync("portfolio:" + portfolioId, () => store.ByPortfolioAsync(portfolioId, ct));

    async ValueTask<IReadOnlyList<MetaChip>> CachedAsync(string key, Func<Task<List<MetaChipRow>>> load)
    {
        if (_cache.TryGetValue(key, out var hit) && Stopwatch.GetElapsedTime(hit.At) < Ttl) return hit.Chips;
        var found = (await load()).Select(r => new MetaChip(r.ChipId, r.PhoneNumberId, r.DisplayNumber, r.WabaId, r.PortfolioId, r.AppSecret)).ToList();
        if (found.Count > 0) _cache[key] = (found, Stopwatch.GetTimestamp());
        return found;
    }
}
