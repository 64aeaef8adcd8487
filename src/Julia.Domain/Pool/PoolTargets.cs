namespace Julia.Domain.Pool;

/// <summary>The pool's targets, which the pool manager keeps it within: active and ready chips, the ramp-up buffer.</summary>
public sealed record PoolTargets
{
    public int ActiveMin { get; init; } = 5;
    public int ActiveMax { get; init; } = 10;
    public int ReadyMin { get; init; } = 3;
    public int RampupBuffer { get; init; } = 10;
    public bool AutoProvision { get; init; }
    public int ProvisionDailyMax { get; init; } = 2;
    public int DegradedThreshold { get; init; } = 35;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { ("activeMin", ActiveMin), ("readyMin", ReadyMin), ("rampupBuffer", RampupBuffer),
            ("provisionDailyMax", ProvisionDailyMax) })
            if (value < 0) yield return $"targets.{name}: must not be negative";
        if (ActiveMax < 1) yield return "targets.activeMax: must be at least 1";
        else if (ActiveMax < ActiveMin) yield return $"targets.activeMax: must be at least activeMin ({ActiveMin})";
        if (DegradedThreshold is < 0 or > 100) yield return "targets.degradedThreshold: must be within 0–100";
    }
}
