namespace Julia.Providers.Webhooks;

/// <summary>
/// What one stored webhook event says, in words every gateway shares. Something happened (<see cref="DoctorMessage"/>,
/// <see cref="DeliveryReceipt"/>, <see cref="ConnectionChanged"/>, <see cref="QrCodeUpdated"/>, <see cref="ChipSignal"/>,
/// <see cref="NoChange"/>), or the event cannot be applied now (<see cref="Ignored"/>, <see cref="Held"/>,
/// <see cref="TooEarly"/>, <see cref="Unusable"/>).
/// </summary>
public abstract record InboundEvent;
