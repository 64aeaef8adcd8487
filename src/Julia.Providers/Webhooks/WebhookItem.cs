namespace Julia.Providers.Webhooks;

/// <summary>
/// One event to keep in the inbox: the same event delivered again has the same <paramref name="DedupeKey"/>;
/// <paramref name="Payload"/> is the JSON kept for <see cref="IGatewayWebhooks.ReadAsync"/>; <paramref name="Ignored"/>
/// says why a valid, authentic event will not be acted on (null: to apply); <paramref name="ChipId"/> is null for an event
/// about a number that is not ours (kept as ignored, so an operator sees it).
/// </summary>
public sealed record WebhookItem(string DedupeKey, string Event, long? ChipId, string Payload, string? Ignored);
