namespace Julia.Providers.Webhooks;

/// <summary>A chip's id and the secrets its webhooks are checked against: the gateway token and our webhook secret.</summary>
public sealed record ChipKeys(long Id, string? Token, string? Secret);
