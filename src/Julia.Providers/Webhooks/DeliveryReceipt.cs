namespace Julia.Providers.Webhooks;

/// <summary>
/// The platform's word on a message we sent (the gateway's id for it): <c>sent</c>, <c>delivered</c>, <c>read</c> or <c>failed</c>;
/// <paramref name="Ours"/> is our message id when the gateway echoes it (Meta's <c>biz_opaque_callback_data</c>), so the
/// status correlates even when the send's answer was lost; <paramref name="Error"/> is a failure's reason when given.
/// </summary>
public sealed record DeliveryReceipt(string MessageId, string Status, long? Ours = null, string? Error = null) : InboundEvent;
