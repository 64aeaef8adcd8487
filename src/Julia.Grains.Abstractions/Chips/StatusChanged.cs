namespace Julia.Grains.Chips;

/// <param name="Outcome">done, not_found, invalid_transition (the chip's <paramref name="Status"/> does not allow it) or concurrent_change; for a registration
/// done, exists or invalid_status.</param>
[GenerateSerializer, Immutable, Alias("julia.StatusChanged")]
public sealed record StatusChanged([property: Id(0)] string Outcome, [property: Id(1)] string? Status);
