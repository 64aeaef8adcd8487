using System.Diagnostics.Metrics;
using Julia.Domain.Trust;
using Julia.Grains;
using Julia.Grains.Observability;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Julia.Server.Observability;

/// <summary>The gauges' figures at one moment: the queues' depth and age, and the chips' breakers and trust levels.</summary>
public sealed record PoolSample(
    long QueueDepth, double QueueOldestWaitSeconds, long InboxPending, double InboxOldestWaitSeconds,
    IReadOnlyDictionary<string, long> Breakers, IReadOnlyDictionary<string, long> TrustLevels)
{
    public static readonly PoolSample Empty = new(0, 0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>());

    // One statement, four index-backed aggregates: messages and inbox rows that wait, and chips in service.
    // "Oldest wait" is measured from when a row became due, so a message scheduled for tomorrow is not "late".
    const string Sql = """
        SELECT (SELECT count(*) FROM messages WHERE status = 'queued'),
               (SELECT min(next_attempt_at) FROM messages WHERE status = 'queued' AND next_attempt_at <= @now),
               (SELECT count(*) FROM inbox WHERE status = 'pending'),
               (SELECT min(next_attempt_at) FROM inbox WHERE status = 'pending' AND next_attempt_at <= @now),
               (SELECT coalesce(jsonb_object_agg(breaker_state, n), '{}')::text
                  FROM (SELECT breaker_state, count(*) n FROM chips WHERE status <> 'retired' GROUP BY 1) b),
               (SELECT coalesce(jsonb_agg(trust_score), '[]')::text FROM chips WHERE status <> 'retired')
        """;

    /// <summary>Reads the sample; also what <c>/health/deep</c> uses for queue and inbox lag.</summary>
    public static async Task<PoolSample> ReadAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("now", now.UtcDateTime);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        double Wait(int i) => r.IsDBNull(i) ? 0 : Math.Max(0, (now - new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc)))
            .TotalSeconds);
        var breakers = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(r.GetString(4)) ?? [];
        var levels = Enum.GetValues<TrustLevel>().ToDictionary(l => Julia.Domain.Trust.TrustLevels.ToWire(l), _ => 0L);
        foreach (var score in System.Text.Json.JsonSerializer.Deserialize<int[]>(r.GetString(5)) ?? [])
            levels[Julia.Domain.Trust.TrustLevels.ToWire(Julia.Domain.Trust.TrustLevels.Of(score))]++;
        foreach (var state in new[] { "closed", "open", "half_open" }) breakers.TryAdd(state, 0);
        return new PoolSample(r.GetInt64(0), Wait(1), r.GetInt64(2), Wait(3), breakers, levels);
    }
}

/// <summary>
/// Runs <see cref="PoolSample.ReadAsync"/> every <see cref="MetricsOptions.SampleInterval"/> and serves the
/// result to the observable gauges, so a scrape (which may come every few seconds, from several scrapers) never
/// queries the database itself.
/// </summary>
public sealed class PoolSampler(NpgsqlDataSource db, IOptions<MetricsOptions> options, Clock time,
                                ILogger<PoolSampler> log) : BackgroundService
{
    /// <summary>The last sample of any sampler in this process (the gauges are the process's, like the meter).</summary>
    static volatile PoolSample _last = PoolSample.Empty;

    public static PoolSample Last => _last;

    static PoolSampler()
    {
        JuliaMetrics.Gauge<long>("julia.queue.depth", "{message}", "Messages queued to send (due or not).",
            () => [new Measurement<long>(_last.QueueDepth)]);
        JuliaMetrics.Gauge<double>("julia.queue.oldest_wait", "s", "How long the oldest due message has waited to be sent.",
            () => [new Measurement<double>(_last.QueueOldestWaitSeconds)]);
        JuliaMetrics.Gauge<long>("julia.inbox.depth", "{event}", "Webhook events stored and not yet applied.",
            () => [new Measurement<long>(_last.InboxPending)]);
        JuliaMetrics.Gauge<double>("julia.inbox.oldest_wait", "s", "How long the oldest due webhook event has waited to be applied.",
            () => [new Measurement<double>(_last.InboxOldestWaitSeconds)]);
        JuliaMetrics.Gauge<long>("julia.chips.breaker", "{chip}", "Chips in service by circuit breaker state.",
            () => _last.Breakers.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("state", b.Key))));
        JuliaMetrics.Gauge<long>("julia.chips.trust", "{chip}", "Chips in service by trust level.",
            () => _last.TrustLevels.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("level", b.Key))));
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval);
        do
        {
            try { _last = await PoolSample.ReadAsync(db, time.GetUtcNow(), ct); }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogDebug("Metrics sample skipped: {Error}", e.Message); // the gauges keep the last figures; /health/deep says why
            }
        } while (await WaitAsync(timer, ct));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
