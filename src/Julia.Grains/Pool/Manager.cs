using Julia.Domain.Chips;
using Julia.Domain.Pool;
using Julia.Domain.Trust;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;
using Julia.Storage.Pool;
using Julia.Storage.Provisioning;
using Microsoft.Extensions.Logging;

namespace Julia.Grains.Pool;

/// <summary>
/// Runs the pool manager's rule (<see cref="PoolManager"/>) against the pool as stored, for the PoolGrain:
/// each move through the chip's grain (guarded on the status decided from, recorded in operations with
/// actor pool-manager), each stranded conversation through its contact's grain, and provisioning as a
/// request row (keyed by São Paulo day and number, so the daily maximum holds whoever asks; the
/// provisioning worker buys and pairs the number). Nothing here waits on a gateway or a provider.
/// </summary>
public sealed class Manager(ManagerStore store, PoolSettings settings, ProvisionStore provisioning, IGrainFactory grains, ILogger<Manager> log)
{
    /// <summary>Conversations moved per pass; the rest move on the next one (a minute later, or at the next chip event).</summary>
    public const int MigrateBatch = 2000;
    const string Actor = "pool-manager";

    public async Task<ManagerPass> RunAsync(string trigger, DateTimeOffset now, string? silo, CancellationToken ct)
    {
        var config = await settings.GetAsync(ct);
        var day = config.Window.LocalDay(now);
        var chips = await store.ChipsAsync(now, ct);
        var (tripped, restricted) = await store.FactsAsync(now, ct);
        var (today, open) = config.Targets.AutoProvision ? (await provisioning.CountAsync(day, ct), await provisioning.OpenAsync(ct)) : (0, 0);
        var plan = PoolManager.Plan(chips, config.Targets, new ManagerFacts(tripped, restricted, today, open), now);

        var moves = new List<string>();
        foreach (var m in plan.Moves)
        {
            var answer = await grains.GetGrain<IChipGrain>(m.ChipId).ApplyPoolMoveAsync(new PoolMove(m.From.ToWire(), m.To.ToWire(), m.Action, m.Reason, now));
            if (answer.Outcome == "done") moves.Add($"chip {m.ChipId}: {m.From.ToWire()} → {m.To.ToWire()} ({m.Reason})");
            else log.LogInformation("Pool manager left chip {Chip} ({Outcome}: it moved meanwhile)", m.ChipId, answer.Outcome);
        }
        if (moves.Count > 0) log.LogInformation("Pool manager ({Trigger}): {Moves}", trigger, string.Join("; ", moves));

        int migrated = await MigrateAsync(plan, now, ct);

        int requested = 0;
        for (int i = 0; i < plan.Provision; i++)
            if (await provisioning.RequestAsync(day, config.Targets.ProvisionDailyMax, Actor,
                    $"ramp-up and ready buffer below {config.Targets.RampupBuffer}", null, now, ct) is not null) requested++;
        return new ManagerPass(now, trigger, moves, migrated, requested, plan.ProvisionHeld, silo);
    }

    /// <summary>Moves the lost chips' conversations to the serving chips: same area code first, then spread evenly.</summary>
    async Task<int> MigrateAsync(PoolPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        if (plan.Serving.Count == 0 || plan.Lost.Count == 0) return 0;
        var lost = plan.Lost.ToDictionary(c => c.Id);
        var stranded = await store.StrandedAsync(lost.Keys, MigrateBatch, ct);
        if (stranded.Count == 0) return 0;
        var given = new Dictionary<long, int>();
        int total = 0;
        foreach (var group in stranded.GroupBy(s => s.ChipId))
        {
            var to = group.Select(s => (s.Contact, To: PoolManager.Assign(s.Ddd, plan.Serving, given).Id)).ToList();
            var moved = new Dictionary<long, int>();
            await Parallel.ForEachAsync(to, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (m, _) =>
            {
                if (!await grains.GetGrain<IConversationGrain>(m.Contact).MigrateAsync(group.Key, m.To, now)) return;
                lock (moved) moved[m.To] = moved.GetValueOrDefault(m.To) + 1;
            });
            if (moved.Count == 0) continue;
            var chip = lost[group.Key];
            var why = chip.Status is ChipStatus.Active or ChipStatus.Rampup ? "disconnected for over 10 minutes" : $"chip is {chip.Status.ToWire()}";
            await store.MigratedAsync(group.Key, why, moved, now, ct);
            total += moved.Values.Sum();
            log.LogInformation("Pool manager moved {Count} conversation(s) off chip {Chip} ({Why})", moved.Values.Sum(), group.Key, why);
        }
        return total;
    }

    /// <summary>
    /// The daily ramp-up evaluation: each ramp-up chip advances a stage when its days are done and the stage
    /// was clean, or goes back to R1 after a spam signal. Once per chip and São Paulo day; each chip's grain
    /// reads its figures, applies the rule and writes its stage.
    /// </summary>
    public async Task<int> EvaluateRampupAsync(DateTimeOffset now, CancellationToken ct)
    {
        var day = (await settings.GetAsync(ct)).Window.LocalDay(now);
        int changed = 0;
        foreach (var chip in await store.ChipsAsync(now, ct))
        {
            if (chip.Status != ChipStatus.Rampup || chip.RampupStartedAt is null) continue;
            if (await grains.GetGrain<IChipGrain>(chip.Id).ReviewRampupAsync(new RampupReview(day, Actor, now))) changed++;
        }
        return changed;
    }
}
