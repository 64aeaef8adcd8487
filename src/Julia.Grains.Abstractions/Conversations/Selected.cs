using Julia.Grains.Chips;

namespace Julia.Grains.Conversations;

/// <summary>
/// The chip picked for a message; <see cref="AsTemplate"/>: it is a Meta chip outside the doctor's 24-hour window, so the message
/// goes as its template (otherwise as its text).
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.Selected")]
public sealed record Selected(
    [property: Id(0)] long SelectionId, [property: Id(1)] long ConversationId, [property: Id(2)] ChipView Chip, [property: Id(3)] string Reason,
    [property: Id(4)] long? MigratedFrom, [property: Id(5)] bool AnnouncementPending, [property: Id(6)] bool AsTemplate = false);
