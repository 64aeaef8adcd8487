using System.Collections.Concurrent;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Storage.Connections;
using Julia.Storage.Operations;
using Microsoft.Extensions.Options;

namespace Julia.Server.Connections;

/// <summary>What one pass did.</summary>
/// <param name="Ran">False when another node had this period already.</param>
public sealed record HealthPass(bool Ran, int Checked, int Corrected, int Unknown);

/// <summary>
/// Every period, asks the gateway for each Evolution chip's connection state and, where it differs from the
/// webhook-driven connected flag (a lost or late connection.update), applies the gateway's answer through the
/// chip's grain, recorded in operations. One pass per period across the cluster: the node that moves the
/// job's slot in periodic_passes runs it, the others skip. A chip the gateway cannot answer for (down,
/// timeout, error) keeps its flag: unknown is not closed. The migrate-after-10-minutes and retire-after-30-days
/// decisions are the pool manager's; this only keeps connected and connection_changed_at true.
/// </summary>
public sealed class HealthMonitor(PeriodicPassStore passes, ConnectionStore store, EvolutionClient evolution, IGrainFactory grains,
                                  HealthMonitorOptions options, IOptions<JuliaOptions> julia, [FromKeyedServices(Names.Clock)] TimeProvider time,
                                  ILogger<HealthMonitor> log) : BackgroundService
{
    public const string Job = "connection_health";

    /// <summary>Runs this period's pass if no node has; tests call it directly.</summary>
    public async Task<HealthPass> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var slot = PeriodicPassStore.SlotOf(now, options.Period);
        if (!await passes.ClaimAsync(Job, slot, julia.Value.NodeId ?? "node", now, ct)) return new HealthPass(false, 0, 0, 0);

        var chips = await store.MonitoredAsync(ct);
        var failures = new ConcurrentBag<string>();
        int corrected = 0;
        await Parallel.ForEachAsync(chips, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, async (chip, token) =>
        {
            string state;
            using (var call = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                call.CancelAfter(options.CallTimeout);
                try { state = await evolution.ConnectionStateAsync(new GatewayTarget(chip.Instance, chip.Token), call.Token); }
                catch (ProviderException e) { failures.Add(e.Message); return; }
                catch (OperationCanceledException) when (!token.IsCancellationRequested) { failures.Add("no answer in time"); return; }
            }
            // connecting is not usable for sending: it counts as closed, as the connection.update webhook does.
            var open = state == "open";
            if (open == chip.Connected) return;
            // A webhook may have set the flag while we asked: correct only what still disagrees.
            if (await store.ConnectedAsync(chip.Id, token) is not { } current || current == open) return;
            var at = time.GetUtcNow();
            await grains.GetGrain<IChipGrain>(chip.Id).ConnectionAsync(open ? "open" : "close", null, at);
            await store.RecordAsync(new NewOperation(ConnectionStore.Actor, "connection_reconciled", chip.Id,
                Reason: $"gateway says {state}; the chip was marked {(current ? "connected" : "disconnected")}",
                Details: new { instance = chip.Instance, gatewayState = state }), at, token);
            Interlocked.Increment(ref corrected);
        });

        // Once per pass, however many chips it hit: a gateway that is down would otherwise log one line per chip.
        if (!failures.IsEmpty)
            log.LogWarning("Connection health: the gateway gave no state for {Count} of {Total} chip(s), left as they were (first: {Error})",
                failures.Count, chips.Count, failures.First());
        if (corrected > 0) log.LogInformation("Connection health: corrected {Count} chip(s) to the gateway's state", corrected);
        var result = new HealthPass(true, chips.Count, corrected, failures.Count);
        await passes.FinishAsync(Job, slot, new { @checked = result.Checked, corrected, unknown = result.Unknown }, time.GetUtcNow(), ct);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Enabled) return;
        while (!stop.IsCancellationRequested)
        {
            try { await RunOnceAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning("Connection health pass failed: {Error}", e.Message); }
            // Wake just after the next period starts (by the service clock), so every node tries each slot once.
            var now = time.GetUtcNow();
            var next = PeriodicPassStore.SlotOf(now, options.Period) + options.Period - now + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
            if (next < TimeSpan.FromMilliseconds(100) || next > options.Period * 2) next = options.Period; // a clock that jumped
            try { await Task.Delay(next, stop); } catch (OperationCanceledException) { return; }
        }
    }
}
