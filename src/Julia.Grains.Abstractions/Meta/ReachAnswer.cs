namespace Julia.Grains.Meta;

/// <summary>The portfolio's answer: allowed, or full until <paramref name="RetryAt"/>, with the limit and how many were reached.</summary>
[GenerateSerializer, Immutable, Alias("julia.ReachAnswer")]
public sealed record ReachAnswer([property: Id(0)] bool Allowed, [property: Id(1)] DateTimeOffset? RetryAt, [property: Id(2)] int Limit,
                                 [property: Id(3)] int Reached);
