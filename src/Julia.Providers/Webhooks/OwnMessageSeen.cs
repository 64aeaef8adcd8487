using Julia.Domain.Phones;

namespace Julia.Providers.Webhooks;

/// <summary>
/// The gateway's echo of a message one of our numbers sent (Evolution's <c>send.message</c>, and <c>messages.upsert</c> with
/// <c>fromMe</c>): to whom, the gateway's id for it and its text. It is the gateway's own word that a send went, so it settles a
/// send we are in doubt about; for one whose answer we recorded it changes nothing.
/// </summary>
public sealed record OwnMessageSeen(Phone To, string MessageId, string? Text) : InboundEvent;
