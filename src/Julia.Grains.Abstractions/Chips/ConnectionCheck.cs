namespace Julia.Grains.Chips;

/// <summary>The gateway's answer about the chip's connection (open, connecting, close), as a health pass got it.</summary>
/// <param name="Instance">The gateway instance asked (kept in the operation's details).</param>
[GenerateSerializer, Immutable, Alias("julia.ConnectionCheck")]
public sealed record ConnectionCheck([property: Id(0)] string GatewayState, [property: Id(1)] string Instance, [property: Id(2)] DateTimeOffset Now);
