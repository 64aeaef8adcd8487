namespace Julia.Providers.Webhooks;

/// <summary>
/// One event to keep in the inbox: the same event delivered again has the same <paramref name="DedupeKey"/>;
/// <paramref name="Payload"/> is the JSON kept for <see cref="IGatewayWebhooks.ReadAsync"/>; <paramref name="Ignored"/>
/// says why a valid, authentic event will not be acted on (null: to apply).
/// </summary>
public sealed record WebhookItem(string DedupeKey, string Event, long ChipId, string Payload, string? Ignored);
