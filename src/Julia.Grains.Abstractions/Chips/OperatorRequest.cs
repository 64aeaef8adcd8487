namespace Julia.Grains.Chips;

/// <param name="Action">pause, resume, retire or promote.</param>
[GenerateSerializer, Immutable, Alias("julia.OperatorRequest")]
public sealed record OperatorRequest([property: Id(0)] string Action, [property: Id(1)] string Actor, [property: Id(2)] string Reason,
                                     [property: Id(3)] DateTimeOffset Now);
