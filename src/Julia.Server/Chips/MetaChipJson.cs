using Julia.Storage.Meta;

namespace Julia.Server.Chips;

/// <summary>A Meta chip's keys as the API shows them: never its token or app secret, only whether one is set.</summary>
public sealed record MetaChipJson(string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string GraphVersion, bool HasAppSecret)
{
    public static MetaChipJson? Of(NewMetaChip? m) =>
        m is null ? null : new(m.PhoneNumberId, m.DisplayNumber, m.WabaId, m.PortfolioId, m.GraphVersion, m.AppSecret is not null);

    public static MetaChipJson? Of(MetaChipRow? m) =>
        m is null ? null : new(m.PhoneNumberId, m.DisplayNumber, m.WabaId, m.PortfolioId, m.GraphVersion, m.AppSecret is not null);
}
