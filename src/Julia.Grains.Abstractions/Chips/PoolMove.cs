namespace Julia.Grains.Chips;

[GenerateSerializer, Immutable, Alias("julia.PoolMove")]
public sealed record PoolMove([property: Id(0)] string From, [property: Id(1)] string To, [property: Id(2)] string Action,
                              [property: Id(3)] string Reason, [property: Id(4)] DateTimeOffset Now);
