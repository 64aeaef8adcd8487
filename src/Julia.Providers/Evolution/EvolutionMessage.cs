using Julia.Domain.Phones;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Evolution;

/// <summary>
/// A doctor's message as Evolution sent it, before its sender is resolved to a phone (which may need the LIDs
/// learnt before): <see cref="EvolutionWebhooks.ReadAsync"/> never lets it out, it makes a <see cref="DoctorMessage"/>.
/// </summary>
public sealed record EvolutionMessage(EvolutionSender Sender, string MessageId, string? Name, string? Text, DoctorMessageKind Kind, DateTimeOffset SentAt)
    : InboundEvent
{
    public DoctorMessage From(Phone phone) => new(phone, MessageId, Name, Text, Kind, SentAt);
}
