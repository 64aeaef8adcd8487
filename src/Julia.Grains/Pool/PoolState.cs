namespace Julia.Grains.Pool;

/// <summary>The pool grain's stored state; readable in SQL as JSON. Fields are only ever added.</summary>
[GenerateSerializer, Alias("julia.PoolState")]
public sealed record PoolState
{
    [Id(0)] public int SchemaVersion { get; init; } = 1;
    /// <summary>The last minute whose cycle was claimed; a tick for it or an earlier one does nothing.</summary>
    [Id(1)] public DateTimeOffset? LastMinute { get; init; }
    [Id(2)] public DateTimeOffset? LastTrustPass { get; init; }
    [Id(3)] public PoolCycle? LastCycle { get; init; }
    /// <summary>The São Paulo day whose ramp-up evaluation ran.</summary>
    [Id(4)] public DateOnly? LastRampupDay { get; init; }
    /// <summary>The last pool manager pass (a minute's, or one a chip's event asked for).</summary>
    [Id(5)] public ManagerPass? LastManager { get; init; }
}
