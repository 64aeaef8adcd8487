using Julia.Domain.Trust;
using Julia.Grains.Chips;
using Julia.Storage.Trust;

namespace Julia.Grains.Trust;

/// <summary>Section <c>Trust</c>.</summary>
public sealed class TrustOptions
{
    public const string Section = "Trust";

    public bool Enabled { get; set; } = true;
    /// <summary>Every chip is recomputed this often by the pool's cycle, besides the recomputes events trigger.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Chips touched by an event are recomputed within this delay by the node that saw it.</summary>
    public TimeSpan EventDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Recomputes trust scores from stored events (the rule in Julia.Domain, the inputs from SQL). A score
/// that moved is written by its chip's grain; an unchanged one wakes no grain.
/// </summary>
public sealed class TrustPass(TrustStore store, IGrainFactory grains)
{
    /// <summary>Recomputes the given chips (all when null); returns how many scores changed. Each change is kept in trust_log.</summary>
    public async Task<int> RecomputeAsync(long[]? chipIds, string cause, DateTimeOffset now, CancellationToken ct)
    {
        int changed = 0;
        foreach (var (chip, stored, inputs) in await store.InputsAsync(chipIds, now, ct))
        {
            var t = TrustScore.Compute(inputs);
            if (t.Score == stored) continue;
            var change = new TrustChange(t.Score, t.Level.ToWire(), Storage.Chips.ChipStore.FactorsJson(t), cause, now);
            if (await grains.GetGrain<IChipGrain>(chip).SetTrustAsync(change)) changed++;
        }
        return changed;
    }
}
