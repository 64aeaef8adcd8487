using Julia.Domain.Trust;
using Julia.Storage.Trust;

namespace Julia.Grains.Trust;

/// <summary>Section <c>Trust</c>.</summary>
public sealed class TrustOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Every chip is recomputed this often by the pool's cycle (DESIGN: 15 min).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Chips touched by an event are recomputed within this delay by the node that saw it.</summary>
    public TimeSpan EventDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Recomputes trust scores from stored events (the rule in Julia.Domain, the inputs from SQL).</summary>
public sealed class TrustPass(TrustStore store)
{
    /// <summary>Recomputes the given chips (all when null); returns how many scores changed. Each change is kept in trust_log.</summary>
    public async Task<int> RecomputeAsync(long[]? chipIds, string cause, DateTimeOffset now, CancellationToken ct)
    {
        int changed = 0;
        foreach (var (chip, inputs) in await store.InputsAsync(chipIds, now, ct))
            if (await store.SaveAsync(chip, TrustScore.Compute(inputs), cause, now, ct)) changed++;
        return changed;
    }
}
