using Julia.Domain.Meta;
using Julia.Storage.Meta;

namespace Julia.Grains.Meta;

/// <summary>
/// The portfolio's budget (<see cref="PortfolioBudget"/>): who was reached when, read at activation and then kept here,
/// every new reach written before it is granted. The limit is the tier the standing poll last read
/// (<c>meta_chips.messaging_limit</c>; none read yet: the lowest, 250), read again every <see cref="LimitFor"/>.
/// </summary>
public sealed class PortfolioGrain(PortfolioReachStore store) : Grain, IPortfolioGrain
{
    static readonly TimeSpan LimitFor = TimeSpan.FromMinutes(5);
    Dictionary<string, DateTimeOffset>? _reached;
    int _limit = MessagingTier.Lowest;
    DateTimeOffset _limitRead = DateTimeOffset.MinValue;

    public async Task<ReachAnswer> TryReachAsync(string contact, DateTimeOffset now)
    {
        var key = this.GetPrimaryKeyString();
        _reached ??= await store.ReachedAsync(key, now - PortfolioBudget.Period, CancellationToken.None);
        if (now - _limitRead >= LimitFor || now < _limitRead)
        {
            var tiers = await store.TiersAsync(key, CancellationToken.None);
            _limit = tiers.Count == 0 ? MessagingTier.Lowest : tiers.Max(MessagingTier.Limit);
            _limitRead = now;
        }
        // Reaches older than the period no longer count: dropped so the copy stays the size of the budget.
        if (_reached.Count > 0 && _reached.Count >= _limit)
            foreach (var old in _reached.Where(r => r.Value <= now - PortfolioBudget.Period).Select(r => r.Key).ToList()) _reached.Remove(old);
        var (allowed, retryAt) = PortfolioBudget.Decide(_reached, contact, _limit, now);
        if (!allowed) return new ReachAnswer(false, retryAt, _limit, _reached.Count);
        if (!_reached.TryGetValue(contact, out var at) || at <= now - PortfolioBudget.Period)
        {
            try { await store.AddAsync(key, contact, now, CancellationToken.None); }
            catch
            {
                _reached = null; // the write's outcome is unknown: read again next time
                throw;
            }
            _reached[contact] = now;
        }
        return new ReachAnswer(true, null, _limit, _reached.Count);
    }
}
