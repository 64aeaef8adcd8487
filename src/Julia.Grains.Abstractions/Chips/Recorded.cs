namespace Julia.Grains.Chips;

/// <summary>What a granted reservation recorded: its audit row and the contact's conversation.</summary>
[GenerateSerializer, Immutable, Alias("julia.Recorded")]
public sealed record Recorded(
    [property: Id(0)] long SelectionId, [property: Id(1)] string Reason, [property: Id(2)] long ConversationId,
    [property: Id(3)] long? PreviousChipId, [property: Id(4)] bool AnnouncementPending);
