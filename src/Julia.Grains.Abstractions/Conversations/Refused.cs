namespace Julia.Grains.Conversations;

[GenerateSerializer, Immutable, Alias("julia.Refused")]
public sealed record Refused(
    [property: Id(0)] long SelectionId, [property: Id(1)] RefusalInfo Refusal, [property: Id(2)] int Candidates,
    [property: Id(3)] IReadOnlyDictionary<string, int> Excluded);
