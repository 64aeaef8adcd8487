namespace Julia.Domain.Trust;

/// <summary>Each ramp-up stage's hourly and daily caps (pool setting <c>caps</c>; the defaults grow from 5/h, 10/day at R1).</summary>
public sealed record RampUpConfig
{
    public StageCaps R1 { get; init; } = new(5, 10);
    public StageCaps R2 { get; init; } = new(10, 30);
    public StageCaps R3 { get; init; } = new(15, 50);
    public StageCaps R4 { get; init; } = new(20, 70);
    public StageCaps Operating { get; init; } = new(30, 100);

    /// <summary>
    /// Scales every level's minimum gap between sends (1 = the trust levels' own gaps, 45 s for verde to 180 s for
    /// critico). Lower it only for numbers whose platform allows faster sending (Meta's Cloud API); tests and
    /// benchmarks use 0.
    /// </summary>
    public double MinGapScale { get; init; } = 1.0;

    public StageCaps For(RampStage s) => s switch
    {
        RampStage.R1 => R1,
        RampStage.R2 => R2,
        RampStage.R3 => R3,
        RampStage.R4 => R4,
        _ => Operating,
    };

    public IEnumerable<string> Validate()
    {
        if (MinGapScale is < 0 or > 10 || double.IsNaN(MinGapScale)) yield return "caps.minGapScale must be between 0 and 10";
        foreach (var (name, c) in new[] { ("r1", R1), ("r2", R2), ("r3", R3), ("r4", R4), ("operating", Operating) })
        {
            if (c.PerHour < 1 || c.PerDay < 1) yield return $"caps.{name}: per hour and per day must be at least 1";
            else if (c.PerHour > c.PerDay) yield return $"caps.{name}: per hour cannot exceed per day";
        }
    }
}
