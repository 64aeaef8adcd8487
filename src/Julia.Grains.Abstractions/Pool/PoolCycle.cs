namespace Julia.Grains.Pool;

/// <summary>What one cycle did. <see cref="Ran"/> is false for a minute that had already run.</summary>
[GenerateSerializer, Alias("julia.PoolCycle")]
public sealed record PoolCycle(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] bool Ran,
    [property: Id(2)] bool TrustPass,
    [property: Id(3)] int TrustChanged,
    [property: Id(4)] string? Silo,
    [property: Id(5)] int IgnoredPruned = 0,
    [property: Id(6)] ManagerPass? Manager = null,
    [property: Id(7)] int StagesChanged = 0);
