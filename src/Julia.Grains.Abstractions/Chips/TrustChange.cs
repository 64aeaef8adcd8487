namespace Julia.Grains.Chips;

/// <param name="Factors">The score's factors as JSON (kept in trust_log).</param>
[GenerateSerializer, Immutable, Alias("julia.TrustChange")]
public sealed record TrustChange([property: Id(0)] int Score, [property: Id(1)] string Level, [property: Id(2)] string Factors,
                                 [property: Id(3)] string Cause, [property: Id(4)] DateTimeOffset Now);
