using Julia.Grains;
using Julia.Grains.Connections;
using Julia.Grains.Pool;
using Microsoft.Extensions.Options;

namespace Julia.Server.Cluster;

/// <summary>
/// Once the silo runs, makes sure the cluster's reminders exist: the pool's minute cycle and, where the connection
/// monitor is on, the connection health pass (idempotent: every node asks, each grain's one activation registers
/// its reminder once). Retries while the reminder service is still starting.
/// </summary>
public sealed class ClusterStartup(IGrainFactory grains, IOptions<HealthMonitorOptions> health, ILogger<ClusterStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        for (int attempt = 1; !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IPoolGrain>(Names.Pool).StartAsync();
                if (health.Value.Enabled) await grains.GetGrain<IConnectionHealthGrain>(Names.Pool).StartAsync();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt % 10 == 1) log.LogWarning("Cluster reminders not registered yet ({Error}); retrying", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
