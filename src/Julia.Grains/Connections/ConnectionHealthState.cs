namespace Julia.Grains.Connections;

/// <summary>The connection health grain's stored state; readable in SQL as JSON. Fields are only ever added.</summary>
[GenerateSerializer, Alias("julia.ConnectionHealthState")]
public sealed record ConnectionHealthState
{
    /// <summary>The last period whose pass was claimed; a pass for it or an earlier one does nothing.</summary>
    [Id(0)] public DateTimeOffset? LastPeriod { get; init; }
    [Id(1)] public HealthPass? LastPass { get; init; }
}
