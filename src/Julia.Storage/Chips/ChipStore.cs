using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Domain.Chips;
using Julia.Domain.Trust;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Chips;

public sealed record NewChip(string Phone, int Ddd, string Instance, string? InstanceToken, string? WebhookSecret,
                             string Provider, ChipStatus Status, bool Connected, RampStage Stage,
                             DateTimeOffset AccountCreatedAt, TrustResult Trust);

public sealed record TrustEntry(DateTimeOffset At, int Score, string Level, JsonElement Factors, string Cause);

public enum TransitionOutcome { Done, NotFound, Conflict }

/// <summary>The chips table. Pausing or retiring a chip raises its alert under <paramref name="alerts"/>, the configured policy.</summary>
public sealed class ChipStore(NpgsqlDataSource db, AlertPolicy alerts)
{
    /// <summary>Channel other nodes LISTEN on to refresh their chip snapshot at once.</summary>
    public const string ChangedChannel = "chips_changed";

    // The id is the chip grain's key, drawn before the grain is asked (NewIdAsync), so the row is written by its own grain.
    const string Insert = $"""
        INSERT INTO chips (id, phone, ddd, instance, instance_token, webhook_secret, provider, status, connected,
                           connection_changed_at, trust_score, trust_updated_at, rampup_stage, rampup_started_at,
                           account_created_at, created_at, updated_at)
        OVERRIDING SYSTEM VALUE
        VALUES (@id, @phone, @ddd, @instance, @token, @secret, @provider, @status, @connected, @now, @trust, @now, @stage,
                CASE WHEN @status = 'rampup' THEN @now END, @account, @now, @now)
        ON CONFLICT DO NOTHING
        RETURNING {ChipRow.Columns}
        """;

    // The identity's own sequence: an id drawn and then not used (a refused registration) is only a gap.
    const string NewId = "SELECT nextval(pg_get_serial_sequence('chips', 'id'))";

    const string InsertTrust = """
        INSERT INTO trust_log (chip_id, at, score, level, factors, cause) VALUES (@chip, @at, @score, @level, @factors, @cause)
        """;

    const string ById = $"SELECT {ChipRow.Columns} FROM chips WHERE id = @id";

    // Operators list by status; the pool is small enough (≤ 10k) to page by id.
    const string List = $"""
        SELECT {ChipRow.Columns} FROM chips
        WHERE (@status IS NULL OR status = @status) AND id > @after
        ORDER BY id LIMIT @limit
        """;

    // Every chip still in the pool: the ones that cannot send now are counted in the exclusions.
    const string Selectable = $"SELECT {ChipRow.Columns} FROM chips WHERE status <> 'retired'";

    // Guarded on the status the caller decided from: if someone else moved the chip first, nothing changes.
    const string Transition = $"""
        UPDATE chips SET status = @to,
               paused_from = CASE WHEN @to = 'paused' THEN status END,
               retired_at = CASE WHEN @to = 'retired' THEN @now END,
               rampup_started_at = CASE WHEN @to = 'rampup' THEN @now ELSE rampup_started_at END,
               rampup_stage = CASE WHEN @to = 'active' THEN 5 ELSE rampup_stage END,
               updated_at = @now
        WHERE id = @id AND status = @from
        RETURNING {ChipRow.Columns}
        """;

    const string TrustHistory = """
        SELECT at, score, level, factors::text AS factors, cause FROM trust_log WHERE chip_id = @id ORDER BY at DESC, id DESC LIMIT @limit
        """;

    /// <summary>A fresh chip id: the key of the grain that registers the chip.</summary>
    public async Task<long> NewIdAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(NewId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Inserts the chip as <paramref name="id"/> with its first trust score and the operation; null when its phone or instance (or id) is
    /// taken.</summary>
    public async Task<ChipRow?> RegisterAsync(long id, NewChip chip, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        ChipRow? row;
        await using (var cmd = c.Cmd(Insert, tx).P("id", id).P("phone", chip.Phone).P("ddd", (short)chip.Ddd).P("instance", chip.Instance)
                         .Text("token", chip.InstanceToken).Text("secret", chip.WebhookSecret).P("provider", chip.Provider)
                         .P("status", chip.Status.ToWire()).P("connected", chip.Connected).P("now", now)
                         .P("trust", (short)chip.Trust.Score).P("stage", (short)chip.Stage).P("account", chip.AccountCreatedAt))
            row = await cmd.FirstAsync(ChipRow.Read, ct);
        if (row is null) return null; // phone or instance already registered
        await AddTrustAsync(c, tx, row.Id, chip.Trust, "registered", now, ct);
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "chip_registered", row.Id, ToStatus: row.Status.ToWire()), now, ct);
        await NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
        return row;
    }

    public static Task AddTrustAsync(NpgsqlConnection c, NpgsqlTransaction tx, long chipId, TrustResult t, string cause, DateTimeOffset now,
        CancellationToken ct) =>
        AddTrustAsync(c, tx, chipId, t.Score, t.Level.ToWire(), FactorsJson(t), cause, now, ct);

    /// <summary>A score's factors as trust_log keeps them.</summary>
    public static string FactorsJson(TrustResult t) => JsonSerializer.Serialize(t.Factors, JsonOptions.Web);

    /// <param name="factors">The score's factors as JSON.</param>
    public static async Task AddTrustAsync(NpgsqlConnection c, NpgsqlTransaction tx, long chipId, int score, string level, string factors, string cause,
                                           DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = c.Cmd(InsertTrust, tx).P("chip", chipId).P("at", now).P("score", (short)score)
            .P("level", level).Json("factors", factors).P("cause", cause);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>What a gateway needs to send from this chip (its secrets stay in the service).</summary>
    public async Task<(string Instance, string? Token, string? WebhookSecret, string Provider)?> GatewayAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT instance, instance_token, webhook_secret, provider FROM chips WHERE id = @id").P("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.Get<string>("instance"), r.OptString("instance_token"), r.OptString("webhook_secret"), r.Get<string>("provider"))
            : null;
    }

    /// <summary>Every connected chip's gateway identity (the demo registers them with its simulator).</summary>
    /// <summary>
    /// Every chip with an Evolution instance (not retired, past provisioned): the set the connection health pass asks the
    /// gateway about, with the secrets and state the demo's gateway simulator needs to serve it.
    /// </summary>
    public async Task<List<(string Instance, string? Token, string? WebhookSecret, string Phone, ChipStatus Status, bool Connected)>> GatewayInstancesAsync(
        CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("""
            SELECT instance, instance_token, webhook_secret, phone, status, connected FROM chips
            WHERE provider = 'evolution' AND status NOT IN ('retired', 'provisioned')
            """);
        return await cmd.ListAsync(r => (r.Get<string>("instance"), r.OptString("instance_token"), r.OptString("webhook_secret"), r.Get<string>("phone"),
            ChipStatuses.Parse(r.Get<string>("status")), r.Get<bool>("connected")), ct);
    }

    /// <summary>Chip id and secrets by gateway instance name (webhook authentication).</summary>
    public async Task<(long Id, string? Token, string? WebhookSecret)?> ByInstanceAsync(string instance, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT id, instance_token, webhook_secret FROM chips WHERE instance = @i AND status <> 'retired'").P("i", instance);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.Get<long>("id"), r.OptString("instance_token"), r.OptString("webhook_secret")) : null;
    }

    public async Task<ChipRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ById).P("id", id);
        return await cmd.FirstAsync(ChipRow.Read, ct);
    }

    public async Task<List<ChipRow>> ListAsync(ChipStatus? status, long after, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(List).Text("status", status?.ToWire()).P("after", after).P("limit", limit);
        return await cmd.ListAsync(ChipRow.Read, ct);
    }

    public async Task<List<ChipRow>> SelectableAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Selectable);
        return await cmd.ListAsync(ChipRow.Read, ct);
    }

    public async Task<List<TrustEntry>> TrustHistoryAsync(long id, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(TrustHistory).P("id", id).P("limit", limit);
        return await cmd.ListAsync(r => new TrustEntry(r.Get<DateTimeOffset>("at"), r.Get<short>("score"), r.Get<string>("level"),
            JsonDocument.Parse(r.Get<string>("factors")).RootElement.Clone(), r.Get<string>("cause")), ct);
    }

    /// <summary>Moves a chip from <paramref name="from"/> to <paramref name="to"/> and records who and why, atomically.</summary>
    public async Task<(TransitionOutcome, ChipRow?)> TransitionAsync(long id, ChipStatus from, ChipStatus to, string actor,
                                                                     string action, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        ChipRow? row;
        await using (var cmd = c.Cmd(Transition, tx).P("id", id).P("from", from.ToWire()).P("to", to.ToWire()).P("now", now))
            row = await cmd.FirstAsync(ChipRow.Read, ct);
        if (row is null)
        {
            await tx.RollbackAsync(ct);
            return (await GetAsync(id, ct) is null ? TransitionOutcome.NotFound : TransitionOutcome.Conflict, null);
        }
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, action, id, FromStatus: from.ToWire(), ToStatus: to.ToWire(), Reason: reason), now, ct);
        if (EventAlerts.ChipMoved(id, to, actor, reason) is { } alert)
            await Alerts.AlertStore.RaiseAsync(c, tx, alert, alerts.Cooldown, now, ct);
        await NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
        return (TransitionOutcome.Done, row);
    }

    public static async Task NotifyAsync(NpgsqlConnection c, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = c.Cmd($"SELECT pg_notify('{ChangedChannel}', '')", tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
