namespace Julia.Domain.Trust;

public static class RampUp
{
    /// <summary>First day (since ramp-up start) on which each stage may be left.</summary>
    static int LeaveDay(RampStage s) => s switch
    {
        RampStage.R1 => 3,
        RampStage.R2 => 7,
        RampStage.R3 => 14,
        RampStage.R4 => 21,
        _ => int.MaxValue,
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
