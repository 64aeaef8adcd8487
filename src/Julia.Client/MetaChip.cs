namespace Julia.Client;

/// <summary>A Meta chip's keys as the API shows them: never its token or app secret, only whether one is set.</summary>
public sealed record MetaChip(string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string GraphVersion, bool HasAppSecret);
