using Julia.Grains.Chips;

namespace Julia.Grains.Conversations;

[GenerateSerializer, Immutable, Alias("julia.Selected")]
public sealed record Selected(
    [property: Id(0)] long SelectionId, [property: Id(1)] long ConversationId, [property: Id(2)] ChipView Chip, [property: Id(3)] string Reason,
    [property: Id(4)] long? MigratedFrom, [property: Id(5)] bool AnnouncementPending);
