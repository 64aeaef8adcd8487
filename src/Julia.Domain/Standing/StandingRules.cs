using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Standing;

/// <summary>
/// What Meta's view of a number means for sending on it (issue 22; spec §2.7). Quality slows or stops sending, and is
/// never routed around (no lowered standard, no doctor moved to another number to continue what the platform slowed):
/// <list type="bullet">
/// <item>GREEN or unknown: normal.</item>
/// <item>YELLOW, or health LIMITED: the chip's hour and day caps are halved and its gap between sends doubled (Meta's
/// warning before RED; LIMITED means the number sends within limits Meta states, which we cannot read generally, so it
/// is treated as the same warning). Trust is not touched: the caps carry the effect.</item>
/// <item>RED: business-initiated messages (prospecting, follow-ups) are refused on this chip with
/// <see cref="RefusalCodes.QualityRed"/>; replies go (the doctor wrote; Meta counts them as customer-initiated). The
/// caps stay halved. Operators are alerted once when it turns RED.</item>
/// <item>BLOCKED: the chip cannot send: it is stopped like any restriction (paused, pool gate, alert).</item>
/// </list>
/// </summary>
public static class StandingRules
{
    /// <summary>Why this chip may not take a message of <paramref name="kind"/> given its standing (null: it may).</summary>
    public static string? Refusal(MetaStanding s, MessageKind kind) =>
        s.Health == MetaHealth.Blocked ? RefusalCodes.QualityRed
        : s.Quality == QualityRating.Red && kind.IsBusinessInitiated() ? RefusalCodes.QualityRed
        : null;

    /// <summary>The chip's caps under its standing: halved (gap doubled) at YELLOW, RED or LIMITED, as they are otherwise.</summary>
    public static ChipLimits Limits(ChipLimits l, MetaStanding s) =>
        Slowed(s) ? new ChipLimits(Math.Max(1, l.PerHour / 2), Math.Max(1, l.PerDay / 2), l.MinGap * 2) : l;

    public static bool Slowed(MetaStanding s) => s.Quality is QualityRating.Yellow or QualityRating.Red || s.Health is MetaHealth.Limited;

    /// <summary>What moving from <paramref name="before"/> to <paramref name="after"/> does to the chip.</summary>
    /// <param name="stopped">The chip is paused or retired already (a restriction webhook came first): blocked stops nothing more.</param>
    public static StandingChange Change(MetaStanding before, MetaStanding after, long chip, bool stopped = false)
    {
        if (after.Health == MetaHealth.Blocked && before.Health != MetaHealth.Blocked && !stopped)
            return new(StandingEffect.Restrict, $"Meta health BLOCKED: the number cannot send ({after.HealthDetail ?? "no reason given"})");
        if (after.Quality == QualityRating.Red && before.Quality != QualityRating.Red)
            return new(StandingEffect.Alert, $"Meta quality RED on chip {chip}: prospecting and follow-ups stop on it; replies still go");
        return StandingChange.None;
    }

    /// <summary>A chip's standing or budget refusal in words, for the selection's answer and audit.</summary>
    public static string Explain(string code, DateTimeOffset? retryAt) => code switch
    {
        RefusalCodes.QualityRed =>
            "The contact's Meta number has quality RED (or cannot send): business-initiated messages wait on it and are not moved to another number.",
        RefusalCodes.PairRate => $"Meta allows one message per {SendBudget.PairInterval.TotalSeconds:0} s from one number to one doctor; next at {retryAt:O}.",
        RefusalCodes.Throughput => $"The Meta number's throughput is used up this second; next at {retryAt:O}.",
        _ => code,
    };
}
