namespace Julia.Providers.Webhooks;

/// <summary>
/// A posted webhook as it arrived: the raw bytes (signatures are over them), the event named in the path if the
/// gateway puts it there, and the request's headers by name.
/// </summary>
public sealed record WebhookRequest(byte[] Body, string? PathEvent, Func<string, string?> Header);
