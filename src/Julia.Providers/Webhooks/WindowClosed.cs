using Julia.Domain.Phones;

namespace Julia.Providers.Webhooks;

/// <summary>
/// Meta failed a free-text message with 131047: by its reckoning the doctor's 24-hour window on this chip was closed at
/// <paramref name="At"/>. The doctor's messages written before then no longer open the window; only their next one does.
/// <paramref name="MessageId"/> (and <paramref name="Ours"/>, our id when Meta echoes it) name the message it refused.
/// </summary>
public sealed record WindowClosed(Phone Contact, DateTimeOffset At, string MessageId, long? Ours) : InboundEvent;
