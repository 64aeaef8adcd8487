namespace Julia.Providers.Webhooks;

/// <summary>The platform's word on a message we sent (the gateway's id for it): <c>sent</c>, <c>delivered</c>, <c>read</c> or <c>failed</c>.</summary>
public sealed record DeliveryReceipt(string MessageId, string Status) : InboundEvent;
