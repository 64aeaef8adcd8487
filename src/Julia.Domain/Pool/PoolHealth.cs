namespace Julia.Domain.Pool;

/// <summary>Pool targets (DESIGN §3 pool manager).</summary>
public sealed record PoolTargets
{
    public int ActiveMin { get; init; } = 5;
    public int ActiveMax { get; init; } = 10;
    public int ReadyMin { get; init; } = 3;
    public int RampupBuffer { get; init; } = 10;
    public bool AutoProvision { get; init; } = false;
    public int ProvisionDailyMax { get; init; } = 2;
    public int DegradedThreshold { get; init; } = 35;

    public IEnumerable<string> Validate()
    {
        if (ActiveMin < 0 || ReadyMin < 0 || RampupBuffer < 0 || ProvisionDailyMax < 0) yield return "targets must not be negative";
        if (ActiveMax < ActiveMin) yield return "activeMax must be at least activeMin";
        if (DegradedThreshold is < 0 or > 100) yield return "degradedThreshold must be within 0–100";
    }
}

public static class PoolHealth
{
    public static string Of(int active, int ready, PoolTargets t) =>
        active < t.ActiveMin ? "critico" : ready < t.ReadyMin ? "atencao" : "saudavel";
}
