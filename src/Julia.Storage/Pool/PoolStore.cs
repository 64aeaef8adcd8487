using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Domain.Pool;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Pool;

public sealed record GateState(bool Tripped, DateTimeOffset? TrippedAt, string? TrippedReason, DateTimeOffset? ResumedAt,
                               string? ResumedBy, string? ResumedReason);

public sealed record PoolCounts(IReadOnlyDictionary<string, int> ByStatus, int Connected, int Total);

public sealed class PoolStore(NpgsqlDataSource db, JsonSerializerOptions json)
{
    public const string ChangedChannel = "pool_changed";

    const string GetSettings =
        "SELECT (SELECT config::text FROM pool_config WHERE id = 1) AS config, (SELECT gate_tripped FROM pool_state WHERE id = 1) AS tripped";
    const string PutConfig = "UPDATE pool_config SET config = @config, updated_at = @now, updated_by = @actor WHERE id = 1";
    const string GetGate = "SELECT gate_tripped, tripped_at, tripped_reason, resumed_at, resumed_by, resumed_reason FROM pool_state WHERE id = 1";
    const string Counts = "SELECT status, count(*)::int AS n, count(*) FILTER (WHERE connected)::int AS connected FROM chips GROUP BY status";

    // Tripping an already tripped gate changes nothing: the first trip's time and reason stand until an
    // operator resumes.
    const string Trip = """
        UPDATE pool_state SET gate_tripped = true, tripped_at = @now, tripped_reason = @reason WHERE id = 1 AND NOT gate_tripped RETURNING 1
        """;

    const string Resume = """
        UPDATE pool_state SET gate_tripped = false, resumed_at = @now, resumed_by = @actor, resumed_reason = @reason
        WHERE id = 1 AND gate_tripped RETURNING 1
        """;

    /// <summary>The configuration and whether the gate is tripped, in one round trip.</summary>
    public async Task<(PoolConfig Config, bool GateTripped)> SettingsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(GetSettings);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var config = FromJson(r.OptString("config") ?? "{}");
        return (config, r.Opt<bool>("tripped") ?? false);
    }

    /// <summary>The configuration as stored (and as it crosses between nodes).</summary>
    public string ToJson(PoolConfig config) => JsonSerializer.Serialize(config, json);

    public PoolConfig FromJson(string config) => JsonSerializer.Deserialize<PoolConfig>(config, json) ?? new PoolConfig();

    public async Task SaveConfigAsync(PoolConfig config, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var cmd = c.Cmd(PutConfig, tx).Json("config", ToJson(config)).P("now", now).P("actor", actor))
            await cmd.ExecuteNonQueryAsync(ct);
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "pool_config_changed", Details: config), now, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<GateState> GateAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(GetGate);
        return (await cmd.FirstAsync(r => new GateState(r.Get<bool>("gate_tripped"), r.Opt<DateTimeOffset>("tripped_at"),
            r.OptString("tripped_reason"), r.Opt<DateTimeOffset>("resumed_at"), r.OptString("resumed_by"), r.OptString("resumed_reason")), ct))!;
    }

    public async Task<PoolCounts> CountsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Counts);
        var rows = await cmd.ListAsync(r => (status: r.Get<string>("status"), n: r.Get<int>("n"), connected: r.Get<int>("connected")), ct);
        return new PoolCounts(rows.ToDictionary(x => x.status, x => x.n), rows.Sum(x => x.connected), rows.Sum(x => x.n));
    }

    /// <summary>An operator trips the gate (prospecting stops pool-wide). Returns true if it was not tripped before.</summary>
    public async Task<bool> TripAsync(string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var tripped = await TripAsync(c, tx, actor, reason, alerts: null, now, ct);
        await tx.CommitAsync(ct);
        return tripped;
    }

    /// <summary>
    /// Trips the gate inside the caller's transaction and records who did it; automatic trips also raise
    /// an alert under <paramref name="alerts"/>, the configured policy (an operator who paused prospecting already knows: null).
    /// </summary>
    public static async Task<bool> TripAsync(NpgsqlConnection c, NpgsqlTransaction tx, string actor, string reason, AlertPolicy? alerts,
                                             DateTimeOffset now, CancellationToken ct)
    {
        await using (var cmd = c.Cmd(Trip, tx).P("now", now).P("reason", reason))
            if (await cmd.ExecuteScalarAsync(ct) is null) return false;
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "prospecting_paused", Reason: reason), now, ct);
        if (alerts is not null) await Alerts.AlertStore.RaiseAsync(c, tx, EventAlerts.GateTripped(reason), alerts.Cooldown, now, ct);
        return true;
    }

    /// <summary>Operator resumes prospecting. Returns false when the gate was not tripped.</summary>
    public async Task<bool> ResumeAsync(string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var cmd = c.Cmd(Resume, tx).P("now", now).P("actor", actor).P("reason", reason))
            if (await cmd.ExecuteScalarAsync(ct) is null) return false;
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "prospecting_resumed", Reason: reason), now, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
