namespace Julia.Grains.Chips;

/// <summary>
/// The selection decision a reservation is recorded with: the contact, the kind, how the chip was chosen,
/// and the node that decided (the one that took the request, wherever the chip's grain runs).
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.Decision")]
public sealed record Decision(
    [property: Id(0)] string Contact, [property: Id(1)] string Kind, [property: Id(2)] bool Affinity, [property: Id(3)] int Candidates,
    [property: Id(4)] IReadOnlyDictionary<string, int> Excluded, [property: Id(5)] bool Fallback, [property: Id(6)] string? MigrationReason,
    [property: Id(7)] string Node);
