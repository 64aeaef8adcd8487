using Julia.Grains.Pool;
using Julia.Grains.Selection;
using Julia.Storage.Chips;
using Julia.Storage.Pool;
using Npgsql;

namespace Julia.Server.Pool;

/// <summary>
/// Holds one connection that LISTENs for chip and pool changes made by any node and drops the
/// local caches when one arrives. If the connection fails, caches are dropped too and it reconnects,
/// so a missed notification costs at most one TTL. Its connection string may differ from the main one
/// (<see cref="Database.Database.ListenSource"/>: direct, with keepalive).
/// </summary>
public sealed class ChangeListener(Database.Database database, ChipDirectory chips, PoolSettings pool, ILogger<ChangeListener> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await database.ListenSource.OpenConnectionAsync(stop);
                conn.Notification += (_, e) =>
                {
                    if (e.Channel == ChipStore.ChangedChannel) chips.Invalidate();
                    else pool.Invalidate();
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {ChipStore.ChangedChannel}; LISTEN {PoolStore.ChangedChannel}", conn))
                    await cmd.ExecuteNonQueryAsync(stop);
                chips.Invalidate();
                pool.Invalidate();
                while (!stop.IsCancellationRequested) await conn.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogWarning("Change listener lost its connection ({Error}); reconnecting", e.Message);
                chips.Invalidate();
                pool.Invalidate();
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); } catch (OperationCanceledException) { }
            }
        }
    }
}
