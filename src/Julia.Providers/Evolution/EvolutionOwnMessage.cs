using Julia.Providers.Webhooks;

namespace Julia.Providers.Evolution;

/// <summary>
/// Our own message as Evolution echoed it, before its recipient is resolved to a phone (which may need the LIDs learnt
/// before): <see cref="EvolutionWebhooks.ReadAsync"/> makes it an <see cref="OwnMessageSeen"/>.
/// </summary>
public sealed record EvolutionOwnMessage(EvolutionSender To, string MessageId, string? Text) : InboundEvent;
