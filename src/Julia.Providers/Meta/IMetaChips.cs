namespace Julia.Providers.Meta;

/// <summary>Our Meta chips by each key Meta's webhooks route by (spec §4.3). A WABA or a portfolio holds several chips.</summary>
public interface IMetaChips
{
    ValueTask<MetaChip?> ByPhoneNumberIdAsync(string phoneNumberId, CancellationToken ct);

    /// <summary>By the display number's digits (no <c>+</c>).</summary>
    ValueTask<MetaChip?> ByDisplayNumberAsync(string digits, CancellationToken ct);

    ValueTask<IReadOnlyList<MetaChip>> ByWabaAsync(string wabaId, CancellationToken ct);

    ValueTask<IReadOnlyList<MetaChip>> ByPortfolioAsync(string portfolioId, CancellationToken ct);
}
