namespace Julia.Domain.Trust;

/// <summary>Ramp-up stages; <see cref="Operating"/> is a number that finished ramp-up.</summary>
public enum RampStage { R1 = 1, R2 = 2, R3 = 3, R4 = 4, Operating = 5 }

/// <summary>Per-hour and per-day caps of one stage.</summary>
public readonly record struct StageCaps(int PerHour, int PerDay);

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
        RampStage.R1 => R1, RampStage.R2 => R2, RampStage.R3 => R3, RampStage.R4 => R4, _ => Operating,
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

/// <summary>What a stage saw while the chip was in it; decides whether it may advance.</summary>
public readonly record struct StageStats(double DeliveryRate, double BlockOptOutRate, bool SpamSignal);

public static class RampUp
{
    /// <summary>First day (since ramp-up start) on which each stage may be left.</summary>
    static int LeaveDay(RampStage s) => s switch
    {
        RampStage.R1 => 3, RampStage.R2 => 7, RampStage.R3 => 14, RampStage.R4 => 21, _ => int.MaxValue,
    };

    /// <summary>Completed fraction of ramp-up: R1 = 0, R2 = ¼ … operating = 1.</summary>
    public static double Progress(RampStage s) => s == RampStage.Operating ? 1 : ((int)s - 1) / 4.0;

    /// <summary>
    /// One evaluation: a spam signal sends the chip back to R1; otherwise it advances one stage
    /// when its days are done and the stage was clean (delivery ≥ 95 %, block+opt-out ≤ 1 %).
    /// </summary>
    public static RampStage Next(RampStage current, int daysSinceStart, StageStats stats)
    {
        if (stats.SpamSignal) return RampStage.R1;
        if (current == RampStage.Operating) return current;
        bool clean = stats.DeliveryRate >= 0.95 && stats.BlockOptOutRate <= 0.01;
        return clean && daysSinceStart >= LeaveDay(current) ? current + 1 : current;
    }

    /// <summary>
    /// What a ramp-up chip still needs to advance (empty when its next evaluation would advance it), for
    /// operators: the day its stage may be left, and the stage's delivery and block rates.
    /// </summary>
    public static IReadOnlyList<RampNeed> Needs(RampStage stage, int daysSinceStart, StageStats stats, int trust)
    {
        var needs = new List<RampNeed>();
        if (stage == RampStage.Operating)
        {
            if (daysSinceStart < 21) needs.Add(new(RampNeed.Day, 21, daysSinceStart));
            if (trust < 85) needs.Add(new(RampNeed.Trust, 85, trust));
            return needs;
        }
        if (daysSinceStart < LeaveDay(stage)) needs.Add(new(RampNeed.Day, LeaveDay(stage), daysSinceStart));
        if (stats.DeliveryRate < 0.95) needs.Add(new(RampNeed.Delivery, 0.95, stats.DeliveryRate));
        if (stats.BlockOptOutRate > 0.01) needs.Add(new(RampNeed.Blocks, 0.01, stats.BlockOptOutRate));
        if (stats.SpamSignal) needs.Add(new(RampNeed.NoSpam, 0, 1));
        return needs;
    }

    /// <summary>Ramp-up is complete (chip may become ready) after day 21 with trust ≥ 85.</summary>
    public static bool IsComplete(RampStage stage, int daysSinceStart, int trust) =>
        stage == RampStage.Operating && daysSinceStart >= 21 && trust >= 85;
}

/// <summary>One thing a ramp-up chip still lacks: which (<see cref="Code"/>), the value it needs and the value it has.</summary>
public sealed record RampNeed(string Code, double Target, double Now)
{
    public const string Day = "day", Trust = "trust", Delivery = "delivery", Blocks = "blocks", NoSpam = "no_spam";

    /// <summary>In English, as the API shows it: "day 7 (now day 4)".</summary>
    public override string ToString() => Code switch
    {
        Day => $"day {Target:0} (now day {Now:0})",
        Trust => $"trust {Target:0} (now {Now:0})",
        Delivery => $"delivery {Target * 100:0}% in this stage (now {Now * 100:0}%)",
        Blocks => $"blocks and opt-outs at most {Target * 100:0}% (now {Now * 100:0.0}%)",
        _ => "no spam or restriction signal (one sends it back to R1)",
    };
}
