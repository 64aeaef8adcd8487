namespace Julia.Grains.Conversations;

/// <summary>
/// A message the contact wrote to chip <paramref name="ChipId"/> (gateway id <paramref name="ProviderMessageId"/>) at
/// <paramref name="SentAt"/> by the gateway's clock; <paramref name="Forward"/>: it goes on to the agent; <paramref name="OpensWindow"/>: it
/// opens the chip's 24-hour window (a reaction does not).
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.ContactMessage")]
public sealed record ContactMessage(
    [property: Id(0)] long ChipId, [property: Id(1)] string ProviderMessageId, [property: Id(2)] string? PushName, [property: Id(3)] string? Text,
    [property: Id(4)] DateTimeOffset SentAt, [property: Id(5)] bool Forward, [property: Id(6)] bool OpensWindow = true);
