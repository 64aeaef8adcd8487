using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Grains;
using Julia.Providers.Evolution;
using Julia.Providers.Notifiers;
using Julia.Server.Auth;
using Julia.Storage.Alerts;
using Julia.Storage.Migrations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Julia.Server.Health;

/// <summary>
/// Three questions, as ASP.NET Core health checks:
/// <list type="bullet">
/// <item><c>/health/live</c>: the process answers (no check runs; a restart is the only cure for a no).</item>
/// <item><c>/health/ready</c>: this node may take traffic: its silo is in the cluster (not joining, not leaving), its
/// database answers, and the schema has every migration this build carries.</item>
/// <item><c>/health/deep</c> (operator key): every dependency with its latency and last error: the database, the
/// Evolution gateway, the alert channels (from their last deliveries: no message is sent), the pool's minute cycle
/// (reminders on time), the queue's and the inbox's lag. Anonymous probes get the first two only: the deep answer
/// names the gateway and the channels' errors.</item>
/// </list>
/// Unhealthy answers 503, degraded 200 (the node still serves; an operator should look).
/// </summary>
public static class HealthApi
{
    public const string Ready = "ready";
    public const string Deep = "deep";

    public static IServiceCollection AddJuliaHealth(this IServiceCollection services)
    {
        services.AddSingleton<DependencyErrors>();
        services.AddHttpClient("health-probe", c => c.Timeout = TimeSpan.FromSeconds(3)).RemoveAllLoggers();
        services.AddHealthChecks()
            .AddCheck<ClusterCheck>("cluster", tags: [Ready, Deep])
            .AddCheck<DatabaseCheck>("database", tags: [Ready, Deep])
            .AddCheck<MigrationsCheck>("migrations", tags: [Ready, Deep])
            .AddCheck<GatewayCheck>("gateway", tags: [Deep])
            .AddCheck<NotifiersCheck>("notifiers", tags: [Deep])
            .AddCheck<RemindersCheck>("reminders", tags: [Deep])
            .AddCheck<QueuesCheck>("queues", tags: [Deep]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", Options(_ => false)).AllowAnonymous();
        app.MapHealthChecks("/health/ready", Options(c => c.Tags.Contains(Ready))).AllowAnonymous();
        app.MapHealthChecks("/health/deep", Options(c => c.Tags.Contains(Deep))).RequireAuthorization(Scopes.OperatorPolicy);
    }

    static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503,
        },
    };

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary><c>{status, totalMs, checks: {name: {status, description, latencyMs, lastError, lastErrorAt, ...data}}}</c>.</summary>
    static Task WriteAsync(HttpContext ctx, HealthReport report)
    {
        ctx.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>
        {
            ["status"] = Wire(report.Status),
            ["totalMs"] = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e =>
            {
                var entry = new Dictionary<string, object?> { ["status"] = Wire(e.Value.Status), ["description"] = e.Value.Description };
                foreach (var (k, v) in e.Value.Data) entry[k] = v;
                entry.TryAdd("latencyMs", Math.Round(e.Value.Duration.TotalMilliseconds, 1));
                return entry;
            }),
        };
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    static string Wire(HealthStatus s) => s switch { HealthStatus.Healthy => "healthy", HealthStatus.Degraded => "degraded", _ => "unhealthy" };
}

/// <summary>Each dependency's last error and when, kept across probes so a flapping dependency still shows what went wrong.</summary>
public sealed class DependencyErrors
{
    readonly ConcurrentDictionary<string, (string Error, DateTimeOffset At)> _last = new();

    /// <summary>The data a check reports: its measured latency and the dependency's last error (now or earlier).</summary>
    public Dictionary<string, object> Data(string name, TimeSpan latency, string? error = null)
    {
        if (error is not null) _last[name] = (error, DateTimeOffset.UtcNow);
        var data = new Dictionary<string, object> { ["latencyMs"] = Math.Round(latency.TotalMilliseconds, 1) };
        if (_last.TryGetValue(name, out var last)) { data["lastError"] = last.Error; data["lastErrorAt"] = last.At; }
        return data;
    }
}

sealed class ClusterCheck(Cluster.SiloReadiness silo, IHostApplicationLifetime life) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) => Task.FromResult(
        life.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("the node is stopping")
        : silo.IsActive ? HealthCheckResult.Healthy("the silo is active in the cluster")
        : HealthCheckResult.Unhealthy("the silo has not joined the cluster"));
}

sealed class DatabaseCheck(NpgsqlDataSource db, DependencyErrors errors) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var c = await db.OpenConnectionAsync(timeout.Token);
            await using var cmd = new NpgsqlCommand("SELECT 1", c);
            await cmd.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("PostgreSQL answers", errors.Data("database", watch.Elapsed));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", data: errors.Data("database", watch.Elapsed, e.Message));
        }
    }
}

/// <summary>Every migration this build carries is recorded as applied (a node of a newer build on an older schema is not ready).</summary>
sealed class MigrationsCheck(NpgsqlDataSource db, DependencyErrors errors) : IHealthCheck
{
    static readonly string[] Expected = [.. Migrator.Embedded().Select(m => m.Name)];
    volatile bool _applied; // migrations are never unapplied: once seen, no need to ask again

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (_applied) return HealthCheckResult.Healthy($"{Expected.Length} migrations applied", errors.Data("migrations", watch.Elapsed));
        try
        {
            await using var cmd = db.CreateCommand("SELECT name FROM schema_migrations");
            var applied = new HashSet<string>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) applied.Add(r.GetString(0));
            var missing = Expected.Where(n => !applied.Contains(n)).ToList();
            if (missing.Count > 0)
                return HealthCheckResult.Unhealthy($"migrations not applied: {string.Join(", ", missing)}",
                    data: errors.Data("migrations", watch.Elapsed, "missing " + string.Join(", ", missing)));
            _applied = true;
            return HealthCheckResult.Healthy($"{Expected.Length} migrations applied", errors.Data("migrations", watch.Elapsed));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the migrations table cannot be read", data: errors.Data("migrations", watch.Elapsed, e.Message));
        }
    }
}

/// <summary>
/// The Evolution API server answers HTTP at its base URL (any status: we ask whether it is up, not whether a
/// given instance is connected; instances' connection state is each chip's). A refused connection or a timeout is
/// unhealthy.
/// </summary>
sealed class GatewayCheck(IOptions<EvolutionOptions> evolution, IOptions<Providers.Meta.MetaOptions> meta, IHttpClientFactory http, DependencyErrors errors)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (evolution.Value.BaseUrl is not { } url)
            return Configuration.OptionsSetup.AnyGateway(evolution.Value, meta.Value)
                ? HealthCheckResult.Healthy("Meta numbers only: no Evolution server to ask", errors.Data("gateway", watch.Elapsed))
                : HealthCheckResult.Degraded("Evolution:BaseUrl is not set: sending is off", data: errors.Data("gateway", watch.Elapsed));
        try
        {
            using var response = await http.CreateClient("health-probe").GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var data = errors.Data("gateway", watch.Elapsed);
            data["httpStatus"] = (int)response.StatusCode;
            return (int)response.StatusCode >= 500
                ? HealthCheckResult.Degraded($"the gateway answers {(int)response.StatusCode}",
                    data: errors.Data("gateway", watch.Elapsed, $"HTTP {(int)response.StatusCode}"))
                : HealthCheckResult.Healthy("the gateway answers", data);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            var why = e is HttpRequestException h ? $"{h.HttpRequestError}: {h.Message}" : "no answer in 3 s";
            return HealthCheckResult.Unhealthy("the gateway does not answer", data: errors.Data("gateway", watch.Elapsed, why));
        }
    }
}

/// <summary>
/// Each configured alert channel's last delivery outcome, read from <c>alert_deliveries</c> (nothing is sent to
/// probe it). A channel whose latest finished notice failed, or whose pending notice has been failing, is degraded.
/// </summary>
sealed class NotifiersCheck(NpgsqlDataSource db, IOptions<SlackOptions> slack, IOptions<TelegramOptions> telegram, DependencyErrors errors) : IHealthCheck
{
    // The latest notice per channel that was tried at least once: its status, error, and since when it fails.
    const string Sql = """
        SELECT DISTINCT ON (channel) channel, status, last_error, failing_since, coalesce(sent_at, failing_since, created_at)
        FROM alert_deliveries
        WHERE channel = ANY(@channels) AND (status IN ('sent', 'failed') OR attempts > 0)
        ORDER BY channel, created_at DESC
        """;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var channels = new List<string>();
        if (slack.Value.Enabled) channels.Add("slack");
        if (telegram.Value.Enabled) channels.Add("telegram");
        if (channels.Count == 0) return HealthCheckResult.Healthy("no alert channel is configured", errors.Data("notifiers", watch.Elapsed));
        var found = new Dictionary<string, object>();
        var failing = new List<string>();
        string? lastError = null;
        await using (var cmd = db.CreateCommand(Sql))
        {
            cmd.Parameters.AddWithValue("channels", channels.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (channel, status) = (r.GetString(0), r.GetString(1));
                var error = r.IsDBNull(2) ? null : r.GetString(2);
                bool bad = status == "failed" || (status != "sent" && !r.IsDBNull(3));
                found[channel] = new { lastOutcome = bad ? "failing" : status, lastError = error, at = r.GetDateTime(4) };
                if (bad) { failing.Add(channel); lastError = $"{channel}: {error}"; }
            }
        }
        foreach (var c in channels) found.TryAdd(c, new { lastOutcome = "none", lastError = (string?)null, at = (DateTime?)null });
        var data = errors.Data("notifiers", watch.Elapsed, lastError);
        foreach (var (k, v) in found) data[k] = v;
        return failing.Count > 0
            ? HealthCheckResult.Degraded($"alert delivery failing on {string.Join(", ", failing)}", data: data)
            : HealthCheckResult.Healthy($"{string.Join(", ", channels)}: last deliveries succeeded or none yet", data);
    }
}

/// <summary>The pool's minute cycle (its reminder) ran within two periods, as the cycle_late alert judges it.</summary>
sealed class RemindersCheck(MonitorQueries queries, AlertPolicy policy, Clock time, DependencyErrors errors) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var last = await queries.LastCycleAsync(ct);
        var now = time.GetUtcNow();
        if (last is null) return HealthCheckResult.Healthy("no pool cycle recorded yet", errors.Data("reminders", watch.Elapsed));
        var data = errors.Data("reminders", watch.Elapsed, AlertRules.CycleLate(last, policy.Thresholds, now)?.Message);
        data["lastCycle"] = last.Value;
        data["lateSeconds"] = Math.Max(0, Math.Round((now - last.Value - policy.Thresholds.CyclePeriod).TotalSeconds));
        return now - last.Value > 2 * policy.Thresholds.CyclePeriod
            ? HealthCheckResult.Unhealthy($"the pool cycle last ran at {last:O}", data: data)
            : HealthCheckResult.Healthy("the pool cycle runs on time", data);
    }
}

/// <summary>How long the oldest due message and webhook event have waited: a stalled worker shows here first.</summary>
sealed class QueuesCheck(NpgsqlDataSource db, IOptions<HealthOptions> options, Clock time, DependencyErrors errors) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var s = await Observability.PoolSample.ReadAsync(db, time.GetUtcNow(), ct);
        var (queueLimit, inboxLimit) = (options.Value.QueueLagLimit, options.Value.InboxLagLimit);
        var late = new List<string>();
        if (s.QueueOldestWaitSeconds > queueLimit.TotalSeconds) late.Add($"the oldest due message waited {s.QueueOldestWaitSeconds:0} s");
        if (s.InboxOldestWaitSeconds > inboxLimit.TotalSeconds) late.Add($"the oldest due webhook event waited {s.InboxOldestWaitSeconds:0} s");
        var data = errors.Data("queues", watch.Elapsed, late.Count > 0 ? string.Join("; ", late) : null);
        data["queueDepth"] = s.QueueDepth;
        data["queueOldestWaitSeconds"] = Math.Round(s.QueueOldestWaitSeconds, 1);
        data["inboxDepth"] = s.InboxPending;
        data["inboxOldestWaitSeconds"] = Math.Round(s.InboxOldestWaitSeconds, 1);
        return late.Count > 0 ? HealthCheckResult.Degraded(string.Join("; ", late), data: data) : HealthCheckResult.Healthy("queues drain", data);
    }
}
