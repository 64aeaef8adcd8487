namespace Julia.Providers.Webhooks;

/// <summary>A valid event that changes nothing (Evolution's echo of our own send): applied as it is.</summary>
public sealed record NoChange(string Why) : InboundEvent;
