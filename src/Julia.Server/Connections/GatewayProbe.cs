using System.Collections.Concurrent;
using Julia.Grains.Connections;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Storage.Connections;
using Microsoft.Extensions.Options;

namespace Julia.Server.Connections;

/// <summary>
/// The connection health pass's gateway I/O, run for the <see cref="IConnectionHealthGrain"/> on the node that
/// hosts it: every Evolution chip past provisioned is asked for its state, <see cref="HealthMonitorOptions.Concurrency"/>
/// at a time, each within <see cref="HealthMonitorOptions.CallTimeout"/>. No answer (down, timeout, error) is a
/// failure line, never a state. Without <c>Evolution:BaseUrl</c> there is no one to ask and nothing is asked.
/// </summary>
public sealed class GatewayProbe(ConnectionStore store, EvolutionClient evolution, IOptions<EvolutionOptions> gateway, IOptions<HealthMonitorOptions> options)
    : IConnectionProbe
{
    // Off the calling grain's scheduler: this is gateway I/O only, and its parallel calls should not queue on one grain's turn.
    public Task<ProbeResult> AskAsync(CancellationToken ct) => Task.Run(() => AskAllAsync(ct), ct);

    async Task<ProbeResult> AskAllAsync(CancellationToken ct)
    {
        // A deployment with Meta numbers only has no Evolution server to ask (the pass still polls Meta's standing).
        if (gateway.Value.BaseUrl is null) return new ProbeResult(0, [], []);
        var chips = await store.MonitoredAsync(ct);
        var answers = new ConcurrentBag<ProbedChip>();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(chips, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = ct },
            async (chip, token) =>
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
            call.CancelAfter(options.Value.CallTimeout);
            try
            {
                answers.Add(new ProbedChip(chip.Id, chip.Instance, chip.Connected,
                    await evolution.ConnectionStateAsync(new GatewayTarget(chip.Instance, chip.Token), call.Token)));
            }
            catch (ProviderException e) { failures.Add(e.Message); }
            catch (OperationCanceledException) when (!token.IsCancellationRequested) { failures.Add("no answer in time"); }
        });
        return new ProbeResult(chips.Count, answers.OrderBy(a => a.Id).ToList(), failures.ToList());
    }
}
