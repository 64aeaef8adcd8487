using Julia.Grains;
using Julia.Grains.Pool;

namespace Julia.Server.Cluster;

/// <summary>
/// Once the silo runs, makes sure the pool's minute reminder exists (idempotent: every node asks, the
/// one activation registers it once). Retries while the reminder service is still starting.
/// </summary>
public sealed class ClusterStartup(IGrainFactory grains, ILogger<ClusterStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        for (int attempt = 1; !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IPoolGrain>(Names.Pool).StartAsync();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt % 10 == 1) log.LogWarning("Pool reminder not registered yet ({Error}); retrying", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
