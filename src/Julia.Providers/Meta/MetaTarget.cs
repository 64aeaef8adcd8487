namespace Julia.Providers.Meta;

/// <summary>Which number sends: its phone number id, its system-user token (a secret: only ever in the Authorization header) and its Graph version.</summary>
public sealed record MetaTarget(string PhoneNumberId, string Token, string GraphVersion = MetaGraphVersion.Default);
