namespace Julia.Grains.Conversations;

/// <summary>
/// A message the contact wrote to chip <paramref name="ChipId"/> (gateway id <paramref name="ProviderMessageId"/>) at
/// <paramref name="SentAt"/> by the gateway's clock; <paramref name="Forward"/>: it goes on to the agent.
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.ContactMessage")]
public sealed record ContactMessage(
    [property: Id(0)] long ChipId, [property: Id(1)] string ProviderMessageId, [property: Id(2)] string? PushName, [property: Id(3)] string? Text,
    [property: Id(4)] DateTimeOffset SentAt, [property: Id(5)] bool Forward);
