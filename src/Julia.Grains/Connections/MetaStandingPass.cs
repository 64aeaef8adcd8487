using Julia.Grains.Chips;

namespace Julia.Grains.Connections;

/// <summary>
/// One poll of Meta chips' standing, run by the connection health pass (one per period across the cluster): the probe
/// asks the Graph API, and each answer goes to its chip's grain, which records it and applies the standing rules.
/// </summary>
public static class MetaStandingPass
{
    /// <summary>Chips polled, chips whose standing changed what they may send, and one line per chip the API gave nothing for.</summary>
    public sealed record Result(int Polled, int Changed, IReadOnlyList<string> Failures);

    public static async Task<Result> RunAsync(IGrainFactory grains, IMetaStandingProbe probe, DateTimeOffset now, CancellationToken ct)
    {
        var asked = await probe.AskAsync(now, ct);
        int changed = 0;
        var failures = new List<string>();
        foreach (var chip in asked)
        {
            if (chip.Report is not { } report) { failures.Add($"chip {chip.ChipId}: {chip.Failure}"); continue; }
            if (await grains.GetGrain<IChipGrain>(chip.ChipId).ApplyStandingAsync(report) is not null) changed++;
        }
        return new Result(asked.Count, changed, failures);
    }
}
