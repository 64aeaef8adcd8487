namespace Julia.Client;

/// <summary>
/// A chip to register. An Evolution chip names its <paramref name="Instance"/>; a Meta chip gives its <paramref name="Meta"/>
/// keys instead (its instance is its phone number id: use <see cref="ForMeta"/>), with the system-user token as
/// <paramref name="InstanceToken"/>.
/// </summary>
public sealed record RegisterChip(string Phone, string? Instance, string? InstanceToken = null, string? WebhookSecret = null,
    string? Provider = null, string? Status = null, bool? Connected = null, DateTimeOffset? AccountCreatedAt = null, MetaKeys? Meta = null)
{
    /// <summary>A number on Meta's Cloud API: its display phone, the system-user token and its keys.</summary>
    public static RegisterChip ForMeta(string phone, string token, MetaKeys keys, string? status = null) =>
        new(phone, null, token, Provider: "meta", Status: status, Meta: keys);
}

/// <summary>
/// A Meta chip's keys: phone number id, WABA id, business portfolio id, the app secret its webhooks are signed with (a
/// secret: sent, never shown back) and the Graph API version (the server's default when null; none below v24.0).
/// </summary>
public sealed record MetaKeys(string PhoneNumberId, string WabaId, string? PortfolioId = null, string? AppSecret = null, string? GraphVersion = null);
