namespace Julia.Grains.Chips;

/// <summary>
/// One chip: the cap authority. A reservation is checked against the chip's current state and charged
/// durably before it is answered, so hour and day caps and the gap between sends hold however many
/// selections and nodes race for the chip. Calls are idempotent by request id: a caller that timed out
/// asks again with the same id and gets the first answer, never a second charge.
/// </summary>
public interface IChipGrain : IGrainWithIntegerKey
{
    Task<ReserveAnswer> TryReserveAsync(ReserveRequest request);
}

/// <summary>The chip as selection ranks it (wire form; the rules use Julia.Domain's ChipSummary).</summary>
[GenerateSerializer, Immutable, Alias("julia.ChipView")]
public sealed record ChipView(
    [property: Id(0)] long Id, [property: Id(1)] string Phone, [property: Id(2)] string Instance, [property: Id(3)] int Ddd,
    [property: Id(4)] string Status, [property: Id(5)] int TrustScore, [property: Id(6)] int Stage, [property: Id(7)] bool Connected,
    [property: Id(8)] DateTimeOffset? CooldownUntil, [property: Id(9)] string Breaker, [property: Id(10)] DateTimeOffset? BreakerUntil,
    [property: Id(11)] DateTimeOffset? LastSentAt, [property: Id(12)] DateTimeOffset? HourBucket, [property: Id(13)] int SentThisHour,
    [property: Id(14)] DateOnly? DayBucket, [property: Id(15)] int SentToday);

/// <param name="RequestId">Repeats of one request carry the same id.</param>
/// <param name="Planned">The copy of the chip the selection ranked; <paramref name="PerHour"/>, <paramref name="PerDay"/> and <paramref name="MinGap"/> are its limits.</param>
[GenerateSerializer, Immutable, Alias("julia.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] string RequestId, [property: Id(1)] ChipView Planned, [property: Id(2)] int PerHour, [property: Id(3)] int PerDay,
    [property: Id(4)] TimeSpan MinGap, [property: Id(5)] DateTimeOffset Now, [property: Id(6)] DateOnly Day);

/// <summary>Reserved, or why not; <see cref="Current"/> is the chip as it is now (to heal the caller's copy).</summary>
[GenerateSerializer, Immutable, Alias("julia.ReserveAnswer")]
public sealed record ReserveAnswer([property: Id(0)] bool Reserved, [property: Id(1)] string? Refusal, [property: Id(2)] ChipView Current);
