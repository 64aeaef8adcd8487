using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Pool;

/// <summary>
/// The pool manager's rule: from the chips as they are, the moves that keep the pool within its
/// targets. Pure: the caller reads the chips, applies each move through the chip's grain (guarded on the
/// status decided from) and moves conversations off the lost chips.
/// </summary>
public static class PoolManager
{
    /// <summary>An active chip disconnected this long is lost: its conversations move and it is replaced.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(10);
    /// <summary>A chip disconnected this long is retired.</summary>
    public static readonly TimeSpan RetireAfter = TimeSpan.FromDays(30);
    /// <summary>A degraded chip waits this long before it may return to ready.</summary>
    public static readonly TimeSpan DegradedCooldown = TimeSpan.FromHours(24);
    public const int RecoverTrust = 60;

    public static bool IsLostConnection(ManagedChip c, DateTimeOffset now) =>
        !c.Connected && (c.ConnectionChangedAt is not { } at || now - at >= LostAfter);

    public static PoolPlan Plan(IReadOnlyList<ManagedChip> chips, PoolTargets t, ManagerFacts facts, DateTimeOffset now)
    {
        var moves = new List<ChipMove>();
        var status = chips.ToDictionary(c => c.Id, c => c.Status);
        void Move(ManagedChip c, ChipStatus to, string action, string reason)
        {
            moves.Add(new ChipMove(c.Id, status[c.Id], to, action, reason));
            status[c.Id] = to;
        }

        foreach (var c in chips)
        {
            var s = status[c.Id];
            if ((s is ChipStatus.Pending or ChipStatus.Rampup or ChipStatus.Ready or ChipStatus.Active or ChipStatus.Degraded)
                && !c.Connected && c.ConnectionChangedAt is { } off && now - off >= RetireAfter)
                Move(c, ChipStatus.Retired, "chip_retired", $"disconnected since {off:yyyy-MM-dd HH:mm} UTC (30 days)");
            else if (s == ChipStatus.Active && c.Trust < t.DegradedThreshold)
                Move(c, ChipStatus.Degraded, "chip_demoted", $"trust {c.Trust} below the degraded threshold {t.DegradedThreshold}");
            else if (s == ChipStatus.Degraded && now - c.StatusChangedAt >= DegradedCooldown && c.Trust >= RecoverTrust && c.Connected)
                Move(c, ChipStatus.Ready, "chip_recovered", $"trust {c.Trust} after the 24 h cooldown");
            else if (s == ChipStatus.Rampup && c.RampupStartedAt is { } started && RampUp.IsComplete(c.Stage, Days(started, now), c.Trust))
                Move(c, ChipStatus.Ready, "chip_rampup_done", $"ramp-up complete on day {Days(started, now)} with trust {c.Trust}");
        }

        List<ManagedChip> Serving() => [.. chips.Where(c => status[c.Id] == ChipStatus.Active && !IsLostConnection(c, now))];
        var serving = Serving();
        var covered = serving.Select(c => c.Ddd).ToHashSet();
        // Best ready chip: most trusted, then one whose area code the active set lacks, then the least recently used.
        var ready = chips.Where(c => status[c.Id] == ChipStatus.Ready && c.Connected && !c.BreakerOpen).ToList();
        while (serving.Count < t.ActiveMin && ready.Count > 0)
        {
            var best = ready.OrderByDescending(c => c.Trust).ThenBy(c => covered.Contains(c.Ddd)).ThenBy(c => c.LastSentAt ?? DateTimeOffset.MinValue)
                .ThenBy(c => c.Id).First();
            ready.Remove(best);
            Move(best, ChipStatus.Active, "chip_promoted", $"{serving.Count} active of {t.ActiveMin} wanted");
            serving.Add(best);
            covered.Add(best.Ddd);
        }
        // Above the maximum, the least trusted stand down to ready (an operator's promotions, chips reconnecting).
        foreach (var extra in serving.OrderBy(c => c.Trust).ThenByDescending(c => c.Id).Take(Math.Max(0, serving.Count - t.ActiveMax)).ToList())
        {
            Move(extra, ChipStatus.Ready, "chip_stood_down", $"{serving.Count} active, at most {t.ActiveMax}");
            serving.Remove(extra);
        }

        var lost = chips.Where(c => status[c.Id] is not (ChipStatus.Active or ChipStatus.Rampup) || IsLostConnection(c, now))
            .Select(c => c with { Status = status[c.Id] }).ToList();
        var targets = serving.Where(c => c.Connected && !c.BreakerOpen).ToList();

        int provision = 0;
        string? held = null;
        if (t.AutoProvision)
        {
            int pipeline = chips.Count(c => status[c.Id] is ChipStatus.Provisioned or ChipStatus.Pending or ChipStatus.Rampup or ChipStatus.Ready)
                + facts.ProvisionOpen;
            int need = t.RampupBuffer - pipeline;
            if (need > 0)
            {
                if (facts.GateTripped) held = "the quality gate is tripped";
                else if (facts.RestrictedRecently) held = "a restriction signal in the last 24 h";
                else if ((provision = Math.Min(need, t.ProvisionDailyMax - facts.ProvisionedToday)) <= 0)
                {
                    provision = 0;
                    held = $"today's maximum of {t.ProvisionDailyMax} reached";
                }
            }
        }
        return new PoolPlan(moves, lost, targets, provision, held);
    }

    /// <summary>Whole days since ramp-up started (day 0 is the first).</summary>
    public static int Days(DateTimeOffset started, DateTimeOffset now) => Math.Max(0, (int)Math.Floor((now - started).TotalDays));

    /// <summary>The chip a moved conversation goes to: same area code as the contact first, then the one given fewest so far.</summary>
    public static ManagedChip Assign(int? contactDdd, IReadOnlyList<ManagedChip> targets, IDictionary<long, int> given)
    {
        var best = targets.OrderByDescending(c => c.Ddd == contactDdd).ThenBy(c => given.TryGetValue(c.Id, out var n) ? n : 0).ThenBy(c => c.Id).First();
        given[best.Id] = (given.TryGetValue(best.Id, out var m) ? m : 0) + 1;
        return best;
    }
}
