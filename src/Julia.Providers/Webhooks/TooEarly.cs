namespace Julia.Providers.Webhooks;

/// <summary>An event to apply a little later (e.g. after the older messages it released): tried again soon.</summary>
public sealed record TooEarly(string Reason) : InboundEvent;
