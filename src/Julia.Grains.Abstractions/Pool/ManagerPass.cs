namespace Julia.Grains.Pool;

/// <summary>What one pass of the pool manager did.</summary>
/// <param name="Moves">Status changes made (each an operations row).</param>
/// <param name="Migrated">Conversations moved off lost chips.</param>
/// <param name="ProvisionRequested">Numbers requested from the provider.</param>
/// <param name="ProvisionHeld">Why no number was requested when the buffer was short, if so.</param>
[GenerateSerializer, Immutable, Alias("julia.ManagerPass")]
public sealed record ManagerPass(
    [property: Id(0)] DateTimeOffset At, [property: Id(1)] string Trigger, [property: Id(2)] IReadOnlyList<string> Moves,
    [property: Id(3)] int Migrated, [property: Id(4)] int ProvisionRequested, [property: Id(5)] string? ProvisionHeld,
    [property: Id(6)] string? Silo);
