namespace Julia.Providers.Webhooks;

/// <summary>An event no retry can apply (a doctor's number we cannot read): straight to the dead letters, for an operator to see.</summary>
public sealed record Unusable(string Reason) : InboundEvent;
