namespace Julia.Grains.Chips;

/// <param name="RequestId">Repeats of one request carry the same id.</param>
/// <param name="Repeat">The caller is asking again because an earlier answer to this request was lost (a timeout, a dead node): it may have been granted,
/// perhaps by another activation.</param>
/// <param name="Planned">The copy of the chip the selection ranked; <paramref name="PerHour"/>, <paramref name="PerDay"/> and <paramref name="MinGap"/> are its
/// limits.</param>
/// <param name="Decision">What the chip records with the charge, in the same write.</param>
[GenerateSerializer, Immutable, Alias("julia.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] string RequestId, [property: Id(1)] ChipView Planned, [property: Id(2)] int PerHour, [property: Id(3)] int PerDay,
    [property: Id(4)] TimeSpan MinGap, [property: Id(5)] DateTimeOffset Now, [property: Id(6)] DateOnly Day, [property: Id(7)] Decision Decision,
    [property: Id(8)] bool Repeat = false);
