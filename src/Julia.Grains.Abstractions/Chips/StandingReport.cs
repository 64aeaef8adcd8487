namespace Julia.Grains.Chips;

/// <summary>
/// What Meta reported about a Meta chip's standing, in Meta's words (null: not in this report): quality (GREEN, YELLOW,
/// RED, UNKNOWN), health (AVAILABLE, LIMITED, BLOCKED) and why, the messaging limit tier (TIER_250…TIER_UNLIMITED) and the
/// throughput in messages per second. <see cref="Polled"/>: from the poll (its time is recorded); <see cref="PollSoon"/>: a
/// webhook that says the standing moved without saying how (the next pass polls the chip).
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.StandingReport")]
public sealed record StandingReport(
    [property: Id(0)] string? Quality, [property: Id(1)] string? Health, [property: Id(2)] string? MessagingLimit,
    [property: Id(3)] int? ThroughputPerSecond, [property: Id(4)] string? HealthDetail, [property: Id(5)] bool Polled, [property: Id(6)] bool PollSoon,
    [property: Id(7)] DateTimeOffset Now);
