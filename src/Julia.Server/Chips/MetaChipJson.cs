using Julia.Storage.Meta;

namespace Julia.Server.Chips;

/// <summary>
/// A Meta chip's keys as the API shows them (never its token or app secret, only whether one is set), and its standing as
/// last polled or reported: quality rating, health (can_send_message), messaging limit tier and messages per second.
/// </summary>
public sealed record MetaChipJson(string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string GraphVersion, bool HasAppSecret,
                                  string? Quality = null, string? Health = null, string? MessagingLimit = null, int? ThroughputPerSecond = null)
{
    /// <summary>A Meta chip's keys and standing as stored; null when it has no keys.</summary>
    public static async Task<MetaChipJson?> ReadAsync(long chipId, MetaChipStore store, CancellationToken ct) =>
        await store.WithStandingAsync(chipId, ct) is { } m ? Of(m.Keys)!.With(m.Standing) : null;

    MetaChipJson With(Julia.Domain.Standing.MetaStanding s) => this with
    {
        Quality = Julia.Domain.Standing.StandingWords.Of(s.Quality),
        Health = Julia.Domain.Standing.StandingWords.Of(s.Health),
        MessagingLimit = s.MessagingLimit,
        ThroughputPerSecond = s.ThroughputPerSecond,
    };

    public static MetaChipJson? Of(NewMetaChip? m) =>
        m is null ? null : new(m.PhoneNumberId, m.DisplayNumber, m.WabaId, m.PortfolioId, m.GraphVersion, m.AppSecret is not null);

    public static MetaChipJson? Of(MetaChipRow? m) =>
        m is null ? null : new(m.PhoneNumberId, m.DisplayNumber, m.WabaId, m.PortfolioId, m.GraphVersion, m.AppSecret is not null);
}
