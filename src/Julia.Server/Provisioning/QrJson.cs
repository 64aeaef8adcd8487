namespace Julia.Server.Provisioning;

/// <param name="Code">The pairing string the QR encodes; <paramref name="Base64"/> the image as a data URL.</param>
public sealed record QrJson(long ChipId, string? Code, string? Base64, DateTimeOffset UpdatedAt);
