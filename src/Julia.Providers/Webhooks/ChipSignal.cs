namespace Julia.Providers.Webhooks;

/// <summary>The platform says something about the chip's standing outside a send: a restriction, or a rate limit.</summary>
public sealed record ChipSignal(ChipSignalKind Kind, string Detail) : InboundEvent;
