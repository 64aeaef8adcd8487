namespace Julia.Grains.Chips;

/// <summary>Reserved (with what it recorded), or why not; <see cref="Current"/> is the chip as it is now (to heal the caller's copy);
/// <see cref="RetryAt"/>: when a refusal of the chip's own budgets (a Meta pair rate or throughput) lifts.</summary>
[GenerateSerializer, Immutable, Alias("julia.ReserveAnswer")]
public sealed record ReserveAnswer([property: Id(0)] bool Reserved, [property: Id(1)] string? Refusal, [property: Id(2)] ChipView Current,
                                   [property: Id(3)] Recorded? Recorded = null, [property: Id(4)] DateTimeOffset? RetryAt = null);
