using Npgsql;

namespace Julia.Benchmarks;

/// <summary>
/// Samples what the database's active sessions wait on (pg_stat_activity, every 20 ms) while a timed
/// run lasts: CPU shows as "running", a lock or an I/O as its wait event. Says where a slow statement
/// spends its time when its plan is fine.
/// </summary>
public sealed class WaitSampler : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task<Dictionary<string, int>> _run;

    public WaitSampler(NpgsqlDataSource db) => _run = RunAsync(db, _stop.Token);

    static async Task<Dictionary<string, int>> RunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var seen = new Dictionary<string, int>();
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(wait_event_type || ':' || wait_event, 'running') FROM pg_stat_activity
            WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()
            """, c);
        while (!ct.IsCancellationRequested)
        {
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync())
                    seen[r.GetString(0)] = seen.GetValueOrDefault(r.GetString(0)) + 1;
            try { await Task.Delay(20, ct); } catch (OperationCanceledException) { }
        }
        return seen;
    }

    /// <summary>Stops sampling; the most frequent states, e.g. "running 61%, LWLock:WALWrite 20%".</summary>
    public async Task<string> StopAsync(int top = 6)
    {
        _stop.Cancel();
        var seen = await _run;
        var total = Math.Max(1, seen.Values.Sum());
        return string.Join(", ", seen.OrderByDescending(kv => kv.Value).Take(top).Select(kv => $"{kv.Key} {kv.Value * 100 / total}%"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>The server's WAL counters (pg_stat_wal): bytes, full-page images, records, flushes.</summary>
public readonly record struct WalSample(long Bytes, long FullPages, long Records, long Syncs)
{
    public static async Task<WalSample> NowAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT wal_bytes::bigint, wal_fpi, wal_records, wal_sync FROM pg_stat_wal");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    public static WalSample operator -(WalSample a, WalSample b) => new(a.Bytes - b.Bytes, a.FullPages - b.FullPages, a.Records - b.Records, a.Syncs - b.Syncs);

    public string PerItem(long n) =>
        $"{Bytes / (double)n:F0} bytes, {Records / (double)n:F1} records, {FullPages / (double)n:F2} full-page images; {Syncs / (double)n:F2} flushes";
}
