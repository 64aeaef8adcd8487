using Julia.Domain.Trust;

namespace Julia.Domain.Selection;

/// <summary>
/// The chip's own check before it takes one more send: the cap authority's rule. Selection planned on a
/// copy of the chip that may be stale; the chip grain checks the plan against its current state.
/// </summary>
public static class Reservations
{
    /// <summary>Why <paramref name="current"/> cannot take a send now (null when it can).</summary>
    /// <param name="planned">The copy the selection ranked: status, trust and stage must not have moved
    /// since, because the kind's permission and these <paramref name="limits"/> were decided on them.</param>
    public static string? Refusal(ChipSummary current, ChipSummary planned, ChipLimits limits, DateTimeOffset now, DateOnly day)
    {
        var hour = Candidates.HourOf(now);
        if (current.Status != planned.Status || current.TrustScore != planned.TrustScore || current.Stage != planned.Stage) return "changed";
        if (!current.Connected) return "disconnected";
        if (current.CooldownUntil is { } cd && cd > now) return "cooldown";
        if (current.Breaker != BreakerState.Closed && (current.BreakerUntil is null || current.BreakerUntil > now)) return "breaker_open";
        if (current.LastSentAt is { } last && now - last < limits.MinGap) return "min_gap";
        // Buckets only move forward: a node whose clock lags cannot reset a counter.
        if (current.HourBucket is { } hb && (hb > hour || hb == hour && current.SentThisHour >= limits.PerHour)) return "hour_cap";
        if (current.DayBucket is { } db && (db > day || db == day && current.SentToday >= limits.PerDay)) return "day_cap";
        return null;
    }

    /// <summary>The chip after one more send is charged. A breaker past its open time admits this send as its single trial.</summary>
    public static ChipSummary Charge(ChipSummary c, DateTimeOffset now, DateOnly day)
    {
        var hour = Candidates.HourOf(now);
        bool trial = c.Breaker != BreakerState.Closed;
        return c with
        {
            SentThisHour = c.HourBucket == hour ? c.SentThisHour + 1 : 1,
            HourBucket = hour,
            SentToday = c.DayBucket == day ? c.SentToday + 1 : 1,
            DayBucket = day,
            LastSentAt = now,
            Breaker = trial ? BreakerState.HalfOpen : BreakerState.Closed,
            BreakerUntil = trial ? now + TrialDeadline : null,
        };
    }

    /// <summary>How long a half-open breaker's trial may stay out before another is admitted.</summary>
    public static readonly TimeSpan TrialDeadline = TimeSpan.FromMinutes(2);
}
