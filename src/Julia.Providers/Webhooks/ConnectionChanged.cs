namespace Julia.Providers.Webhooks;

/// <summary>
/// The chip's connection to WhatsApp: <c>open</c>, <c>connecting</c>, <c>close</c> or <c>refused</c>, with the
/// gateway's status code (for Evolution a close's code says why: 401 logged out, 403 restricted).
/// </summary>
public sealed record ConnectionChanged(string State, int? Code) : InboundEvent;
