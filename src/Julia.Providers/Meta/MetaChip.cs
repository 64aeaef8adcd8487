namespace Julia.Providers.Meta;

/// <summary>
/// A Meta chip as its webhooks name it: our id, its phone number id (the routing key of <c>messages</c>), display
/// number (digits: quality and name events carry no phone number id), WABA and business portfolio, and the app secret
/// its webhooks are signed with (null: the configured app secrets only).
/// </summary>
public sealed record MetaChip(long Id, string PhoneNumberId, string DisplayNumber, string WabaId, string? PortfolioId, string? AppSecret);
