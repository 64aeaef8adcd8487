namespace Julia.Providers.Webhooks;

/// <summary>A pairing QR for a chip waiting to be paired: its text and its image (a data URL), either of which may be missing.</summary>
public sealed record QrCodeUpdated(string? Code, string? Image) : InboundEvent;
