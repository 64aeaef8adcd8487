namespace Julia.Providers.Webhooks;

/// <summary>A valid event with nothing for us to do, because of <paramref name="Reason"/>: kept as ignored with it.</summary>
public sealed record Ignored(string Reason) : InboundEvent;
