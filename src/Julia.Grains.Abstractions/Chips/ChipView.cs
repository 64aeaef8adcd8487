namespace Julia.Grains.Chips;

/// <summary>The chip as selection ranks it (wire form; the rules use Julia.Domain's ChipSummary).</summary>
[GenerateSerializer, Immutable, Alias("julia.ChipView")]
public sealed record ChipView(
    [property: Id(0)] long Id, [property: Id(1)] string Phone, [property: Id(2)] string Instance, [property: Id(3)] int Ddd,
    [property: Id(4)] string Status, [property: Id(5)] int TrustScore, [property: Id(6)] int Stage, [property: Id(7)] bool Connected,
    [property: Id(8)] DateTimeOffset? CooldownUntil, [property: Id(9)] string Breaker, [property: Id(10)] DateTimeOffset? BreakerUntil,
    [property: Id(11)] DateTimeOffset? LastSentAt, [property: Id(12)] DateTimeOffset? HourBucket, [property: Id(13)] int SentThisHour,
    [property: Id(14)] DateOnly? DayBucket, [property: Id(15)] int SentToday);
