using Julia.Domain.Phones;

namespace Julia.Providers.Webhooks;

/// <summary>
/// A doctor wrote to the chip: from <paramref name="From"/> (the phone, whatever address the gateway used), the
/// gateway's <paramref name="MessageId"/>, the name the doctor shows, the text (null for media without a caption
/// and other kinds without text) and the gateway's time for it.
/// </summary>
public sealed record DoctorMessage(Phone From, string MessageId, string? Name, string? Text, DoctorMessageKind Kind, DateTimeOffset SentAt) : InboundEvent;
