namespace Julia.Grains.Chips;

/// <summary>A pairing QR the gateway sent for the chip (qrcode.updated): its text and its image, either may be missing.</summary>
[GenerateSerializer, Immutable, Alias("julia.PairingQr")]
public sealed record PairingQr([property: Id(0)] string? Code, [property: Id(1)] string? Base64, [property: Id(2)] DateTimeOffset Now);
