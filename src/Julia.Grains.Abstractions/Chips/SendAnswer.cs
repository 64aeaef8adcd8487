namespace Julia.Grains.Chips;

/// <summary>The send policy's verdict (wire form of Julia.Domain's SendVerdict), and the breaker's transition if the result made one.</summary>
/// <param name="Step">SendStep's name: Done, Wait, AnotherChip, Stop or InDoubt.</param>
[GenerateSerializer, Immutable, Alias("julia.SendAnswer")]
public sealed record SendAnswer(
    [property: Id(0)] string Step, [property: Id(1)] string? Reason, [property: Id(2)] DateTimeOffset? At, [property: Id(3)] string? Status,
    [property: Id(4)] string? Note, [property: Id(5)] bool Logged, [property: Id(6)] string? BreakerChange);
