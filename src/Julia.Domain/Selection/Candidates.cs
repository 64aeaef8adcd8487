using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Selection;

/// <summary>Decides which chips may send, and in what order to try them.</summary>
public static class Candidates
{
    public static DateTimeOffset HourOf(DateTimeOffset now) =>
        new(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);

    /// <summary>The clock and the limits one plan decides on, worked out once for all its chips.</summary>
    readonly struct Pass(DateTimeOffset now, DateOnly day, RampUpConfig caps)
    {
        public readonly long Now = now.UtcTicks, Hour = HourOf(now).UtcTicks;
        public readonly int Day = day.DayNumber;
        public readonly LimitsTable Limits = LimitsTable.For(caps);
    }

    /// <summary>Why a chip cannot take this message now, or null when it can; the chip's limits are given back for ranking.</summary>
    static string? Exclusion(in ChipFacts c, SelectionRequest r, bool isAffinity, bool fallback, in Pass pass, out ChipLimits limits)
    {
        limits = default;
        if (r.Excluded.Count > 0 && r.Excluded.Contains(c.Id)) return "excluded_by_request";
        switch (c.Status)
        {
            case ChipStatus.Active: break;
            // Ramp-up numbers carry only genuine traffic: replies and follow-ups to contacts who spoke.
            case ChipStatus.Rampup when r.Kind != MessageKind.Prospecting && r.ContactHasSpoken: break;
            case ChipStatus.Rampup: return "rampup_traffic_only";
            // A degraded number only keeps answering its own conversations.
            case ChipStatus.Degraded when isAffinity && r.Kind == MessageKind.Reply: break;
            default: return "status";
        }
        if (!c.Connected) return "disconnected";
        // Open until its time is up; half-open while its single trial is out (the trial has a deadline too).
        if (c.BreakerHolds(pass.Now)) return "breaker_open";
        if (c.CoolingDown(pass.Now)) return "cooldown";
        var level = TrustLevels.Of(c.TrustScore);
        if (!level.Permits(r.Kind)) return "level_not_permitted";
        if (c.TrustScore < r.Kind.Threshold(fallback)) return "trust_below_threshold";
        limits = pass.Limits[c.Stage, level];
        if (c.UsedThisHour(pass.Hour) >= limits.PerHour) return "hour_cap";
        if (c.UsedToday(pass.Day) >= limits.PerDay) return "day_cap";
        if (c.WithinGap(pass.Now, limits.MinGap)) return "min_gap";
        return null;
    }

    /// <summary>
    /// Pacing: the chip is fine but must wait (caps, min gap, a rate-limit cooldown). A contact's own
    /// chip that is pacing is waited for, not replaced: moving the doctor to another number to go
    /// faster would route around the platform's signal.
    /// </summary>
    public static bool IsPacing(string? reason) => reason is "hour_cap" or "day_cap" or "min_gap" or "cooldown";

    /// <summary>When a pacing chip may send again.</summary>
    public static DateTimeOffset PacedUntil(ChipSummary c, string reason, DateTimeOffset now, SendingWindow window, RampUpConfig caps)
    {
        var limits = ChipLimits.For(c.Stage, c.TrustScore, caps);
        return reason switch
        {
            "min_gap" => (c.LastSentAt ?? now) + limits.MinGap,
            "cooldown" => c.CooldownUntil ?? now,
            "hour_cap" => HourOf(now).AddHours(1),
            "day_cap" => window.NextLocalMidnight(now),
            _ => now,
        };
    }

    /// <summary>
    /// The affinity chip alone when it may send (<see cref="SelectionPlan.Eligible"/> is then 1 and nothing is
    /// counted as excluded: the rest of the pool was not looked at). Otherwise the rest ranked by same DDD, lowest used fraction of
    /// the hour cap, highest trust. New inbound-initiated conversations go to ramp-up numbers first.
    /// Prospecting never uses the fallback thresholds. Only the best <paramref name="top"/> of the rest are
    /// ranked and returned (a selection tries a few; a pool of thousands need not be sorted for each).
    /// </summary>
    public static SelectionPlan Plan(IReadOnlyList<ChipSummary> chips, SelectionRequest r, DateTimeOffset now,
                                     DateOnly day, RampUpConfig caps, int top = int.MaxValue) =>
        Plan(new ChipSet([.. chips]), r, now, day, caps, top);

    /// <inheritdoc cref="Plan(IReadOnlyList{ChipSummary}, SelectionRequest, DateTimeOffset, DateOnly, RampUpConfig, int)"/>
    public static SelectionPlan Plan(ChipSet chips, SelectionRequest r, DateTimeOffset now, DateOnly day, RampUpConfig caps, int top = int.MaxValue)
    {
        // A contact whose own chip may send stays on it: the plan is that chip alone, and the pool is not ranked
        // (a conversation in progress is most of the traffic; a pool of thousands need not be scanned for it).
        var pass = new Pass(now, day, caps);
        if (r.AffinityChipId is { } own && chips.IndexOf(own) is var at and >= 0
            && Exclusion(chips.Facts[at], r, isAffinity: true, fallback: false, pass, out _) is null)
            return new SelectionPlan([chips.Chips[at]], AffinityFirst: true, UsedFallback: false, new Dictionary<string, int>(), null, Eligible: 1);
        var plan = Build(chips, r, pass, fallback: false, top);
        if (plan.Candidates.Count == 0 && r.Kind.HasFallback())
        {
            var withFallback = Build(chips, r, pass, fallback: true, top);
            if (withFallback.Candidates.Count > 0) return withFallback;
        }
        return plan;
    }

    static SelectionPlan Build(ChipSet chips, SelectionRequest r, in Pass pass, bool fallback, int top)
    {
        var facts = chips.Facts;
        var excluded = new Dictionary<string, int>();
        // The best ranked so far, in rank order, never more than top: one pass, no sort of the whole pool.
        var best = new List<RankKey>(Math.Min(top, facts.Length) + 1);
        int eligible = 0;
        int affinity = -1;
        string? affinityExclusion = r.AffinityChipId is null ? null : "not_in_pool"; // retired or unknown
        bool newInbound = r.Kind == MessageKind.Reply && r.AffinityChipId is null;
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly var c = ref facts[i];
            bool isAffinity = c.Id == r.AffinityChipId;
            var why = Exclusion(c, r, isAffinity, fallback, pass, out var limits);
            if (isAffinity) affinityExclusion = why;
            if (why is not null) { excluded[why] = excluded.GetValueOrDefault(why) + 1; continue; }
            eligible++;
            if (isAffinity) { affinity = i; continue; }
            var key = new RankKey(i, c.Id, c.TrustScore, newInbound && c.Status == ChipStatus.Rampup, c.Ddd == r.ContactDdd,
                                  (double)c.UsedThisHour(pass.Hour) / limits.PerHour);
            if (best.Count == top && key.CompareTo(best[^1]) >= 0) continue;
            int slot = best.BinarySearch(key);
            best.Insert(slot < 0 ? ~slot : slot, key);
            if (best.Count > top) best.RemoveAt(best.Count - 1);
        }
        var ranked = new List<ChipSummary>(best.Count + 1);
        if (affinity >= 0) ranked.Add(chips.Chips[affinity]);
        foreach (var k in best) ranked.Add(chips.Chips[k.Index]);
        return new SelectionPlan(ranked, affinity >= 0, fallback, excluded, affinityExclusion, eligible);
    }

    /// <summary>Rank order: ramp-up first for new inbound conversations, same DDD, least used hour, most trusted, lowest id.</summary>
    readonly record struct RankKey(int Index, long Id, int TrustScore, bool RampupFirst, bool SameDdd, double UsedFraction) : IComparable<RankKey>
    {
        public int CompareTo(RankKey o)
        {
            int c = o.RampupFirst.CompareTo(RampupFirst);
            if (c == 0) c = o.SameDdd.CompareTo(SameDdd);
            if (c == 0) c = UsedFraction.CompareTo(o.UsedFraction);
            if (c == 0) c = o.TrustScore.CompareTo(TrustScore);
            return c != 0 ? c : Id.CompareTo(o.Id);
        }
    }
}
