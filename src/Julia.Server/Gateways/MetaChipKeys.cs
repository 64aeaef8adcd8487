using Julia.Providers.Meta;
using Julia.Storage.Meta;

namespace Julia.Server.Gateways;

/// <summary>
/// Meta chips by the keys Meta's webhooks route by, cached for a short while (every webhook needs them; they change only
/// when a chip is registered or retired). Only hits are cached: a chip registered a moment ago must be found at once.
/// </summary>
public sealed class MetaChipKeys(MetaChipStore store) : IMetaChips
{
    // One cache per key kind, so a lookup builds no key string.
    readonly TtlCache<string, IReadOnlyList<MetaChip>> _byPnid = new(Ttl), _byDisplay = new(Ttl), _byWaba = new(Ttl), _byPortfolio = new(Ttl);
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    public async ValueTask<MetaChip?> ByPhoneNumberIdAsync(string phoneNumberId, CancellationToken ct) =>
        First(await CachedAsync(_byPnid, phoneNumberId, () => store.ByPhoneNumberIdAsync(phoneNumberId, ct)));

    public async ValueTask<MetaChip?> ByDisplayNumberAsync(string digits, CancellationToken ct) =>
        First(await CachedAsync(_byDisplay, digits, () => store.ByDisplayNumberAsync(digits, ct)));

    static MetaChip? First(IReadOnlyList<MetaChip> chips) => chips.Count > 0 ? chips[0] : null;

    public ValueTask<IReadOnlyList<MetaChip>> ByWabaAsync(string wabaId, CancellationToken ct) =>
        CachedAsync(_byWaba, wabaId, () => store.ByWabaAsync(wabaId, ct));

    public ValueTask<IReadOnlyList<MetaChip>> ByPortfolioAsync(string portfolioId, CancellationToken ct) =>
        CachedAsync(_byPortfolio, portfolioId, () => store.ByPortfolioAsync(portfolioId, ct));

    static ValueTask<IReadOnlyList<MetaChip>> CachedAsync(TtlCache<string, IReadOnlyList<MetaChip>> cache, string key, Func<Task<List<MetaChipRow>>> load) =>
        cache.GetAsync(key, async () => (IReadOnlyList<MetaChip>)(await load())
            .Select(r => new MetaChip(r.ChipId, r.PhoneNumberId, r.DisplayNumber, r.WabaId, r.PortfolioId, r.AppSecret)).ToList(),
            keep: found => found.Count > 0);
}
