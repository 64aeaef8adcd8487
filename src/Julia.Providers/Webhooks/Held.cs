namespace Julia.Providers.Webhooks;

/// <summary>
/// A doctor's message that cannot be applied until the gateway tells us who <paramref name="Key"/> is (Evolution:
/// a LID whose phone is not known yet): kept as held, put back when an event shows it.
/// </summary>
public sealed record Held(string Key, string Reason) : InboundEvent;
