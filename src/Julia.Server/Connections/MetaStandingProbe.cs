using System.Collections.Concurrent;
using Julia.Grains.Chips;
using Julia.Grains.Connections;
using Julia.Providers;
using Julia.Providers.Meta;
using Julia.Storage.Meta;
using Microsoft.Extensions.Options;

namespace Julia.Server.Connections;

/// <summary>
/// The Meta standing poll's Graph API I/O, run for the connection health pass on the node that hosts it: each Meta chip
/// not polled for <see cref="MetaOptions.StandingPollPeriod"/> is asked for its standing,
/// <see cref="HealthMonitorOptions.Concurrency"/> at a time, each within <see cref="HealthMonitorOptions.CallTimeout"/>.
/// No answer is a failure line, never a standing.
/// </summary>
public sealed class MetaStandingProbe(MetaStandingStore store, MetaClient meta, IOptions<MetaOptions> metaOptions, IOptions<HealthMonitorOptions> options)
    : IMetaStandingProbe
{
    /// <summary>Chips asked in one pass at most; the rest are the oldest of the next.</summary>
    const int PerPass = 500;

    // Off the calling grain's scheduler, as the connection probe.
    public Task<IReadOnlyList<PolledStanding>> AskAsync(DateTimeOffset now, CancellationToken ct) => Task.Run(() => AskAllAsync(now, ct), ct);

    async Task<IReadOnlyList<PolledStanding>> AskAllAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = await store.DueAsync(now - metaOptions.Value.StandingPollPeriod, PerPass, ct);
        var answers = new ConcurrentBag<PolledStanding>();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = ct },
            async (chip, token) =>
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
            call.CancelAfter(options.Value.CallTimeout);
            try
            {
                var s = await meta.GetStandingAsync(new MetaTarget(chip.PhoneNumberId, chip.Token, chip.GraphVersion), call.Token);
                var report = new StandingReport(s.Quality, s.Health, s.MessagingLimit, s.ThroughputPerSecond, s.HealthDetail, Polled: true, PollSoon: false,
                    now);
                answers.Add(new PolledStanding(chip.ChipId, report, null));
            }
            catch (ProviderException e) { answers.Add(new PolledStanding(chip.ChipId, null, e.Message)); }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                answers.Add(new PolledStanding(chip.ChipId, null, "no answer in time"));
            }
        });
        return [.. answers.OrderBy(a => a.ChipId)];
    }
}
