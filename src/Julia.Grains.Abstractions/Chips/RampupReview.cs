namespace Julia.Grains.Chips;

/// <summary>The pool's daily ramp-up evaluation, asked of one chip for one São Paulo day.</summary>
[GenerateSerializer, Immutable, Alias("julia.RampupReview")]
public sealed record RampupReview([property: Id(0)] DateOnly Day, [property: Id(1)] string Actor, [property: Id(2)] DateTimeOffset Now);
