using Julia.Domain.Alerts;
using Npgsql;

namespace Julia.Storage.Alerts;

public sealed record AlertDelivery(string Channel, string Kind, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);

public sealed record Alert(long Id, DateTimeOffset At, string Kind, string Severity, string Subject, long? ChipId, string Message,
                           DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt, string? ResolvedBy, IReadOnlyList<AlertDelivery> Deliveries);

/// <summary>What one raise did: a new alert (to be announced), or the open one seen again, or nothing (cooling down).</summary>
public enum Raised { New, Refreshed, CoolingDown }

/// <summary>
/// The alerts table: one open alert per (kind, subject). Raising an open one only moves last_seen_at; a
/// resolved one is raised again only after the cooldown, measured from its resolution, so a flapping
/// condition pages once per cooldown. The partial unique index settles two nodes raising at once.
/// </summary>
public sealed class AlertStore(NpgsqlDataSource db)
{
    // The open alert is refreshed if there is one; otherwise a new one is inserted unless the last of its
    // (kind, subject) was resolved within the cooldown. ON CONFLICT: another transaction raised it first.
    const string Raise = """
        WITH open AS (
            UPDATE alerts SET last_seen_at = greatest(last_seen_at, @now)
            WHERE kind = @kind AND subject = @subject AND resolved_at IS NULL
            RETURNING id
        ), cooling AS (
            SELECT 1 FROM alerts WHERE kind = @kind AND subject = @subject AND resolved_at > @now - @cooldown LIMIT 1
        ), ins AS (
            INSERT INTO alerts (at, kind, severity, chip_id, subject, message, last_seen_at)
            SELECT @now, @kind, @severity, @chip, @subject, @message, @now
            WHERE NOT EXISTS (SELECT 1 FROM open) AND NOT EXISTS (SELECT 1 FROM cooling)
            ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
            RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM ins) AS inserted, EXISTS (SELECT 1 FROM open) AS refreshed
        """;

    const string ResolveIds = """
        UPDATE alerts SET resolved_at = @now, resolved_by = @actor WHERE id = ANY(@ids) AND resolved_at IS NULL
        """;

    const string ResolveSubject = """
        UPDATE alerts SET resolved_at = @now, resolved_by = @actor WHERE kind = @kind AND subject = @subject AND resolved_at IS NULL
        """;

    const string ResolveOne = """
        WITH u AS (UPDATE alerts SET resolved_at = @now, resolved_by = @actor WHERE id = @id AND resolved_at IS NULL RETURNING 1)
        SELECT (SELECT count(*) FROM u) AS done, EXISTS (SELECT 1 FROM alerts WHERE id = @id) AS known
        """;

    // Open alerts of the given kinds, with the chip's state where the subject is a chip (event alerts recover with it).
    const string Open = """
        SELECT a.id, a.kind, a.subject, c.status, c.connected
        FROM alerts a LEFT JOIN chips c ON c.id = a.chip_id
        WHERE a.resolved_at IS NULL AND a.kind = ANY(@kinds)
        """;

    const string List = """
        SELECT a.*, coalesce((
            SELECT json_agg(json_build_object('channel', d.channel, 'kind', d.kind, 'status', d.status, 'attempts', d.attempts,
                                              'sentAt', d.sent_at, 'lastError', d.last_error) ORDER BY d.channel, d.kind)
            FROM alert_deliveries d WHERE d.alert_id = a.id), '[]')::text AS deliveries
        FROM alerts a WHERE (NOT @open OR a.resolved_at IS NULL) ORDER BY a.id DESC LIMIT @limit
        """;

    public async Task<Raised> RaiseAsync(AlertCondition condition, TimeSpan cooldown, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return await RaiseAsync(c, null, condition, cooldown, now, ct);
    }

    /// <summary>Raises inside the caller's transaction (a gateway signal and its alert commit together).</summary>
    public static async Task<Raised> RaiseAsync(NpgsqlConnection c, NpgsqlTransaction? tx, AlertCondition condition, TimeSpan cooldown,
                                                DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = c.Cmd(Raise, tx).P("now", now).P("kind", condition.Kind).P("subject", condition.Subject)
            .P("severity", condition.Severity).Long("chip", AlertKinds.ChipOf(condition.Subject)).P("message", condition.Message).P("cooldown", cooldown);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetBoolean(0) ? Raised.New : r.GetBoolean(1) ? Raised.Refreshed : Raised.CoolingDown;
    }

    public async Task<int> ResolveAsync(IReadOnlyCollection<long> ids, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (ids.Count == 0) return 0;
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ResolveIds).P("ids", ids.ToArray()).P("actor", actor).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<int> ResolveAsync(string kind, string subject, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ResolveSubject).P("kind", kind).P("subject", subject).P("actor", actor).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An operator resolves one alert: null when there is no such alert, false when it was already resolved.</summary>
    public async Task<bool?> ResolveAsync(long id, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ResolveOne).P("id", id).P("actor", actor).P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return !r.Get<bool>("known") ? null : r.Get<long>("done") == 1;
    }

    public sealed record OpenAlert(long Id, string Kind, string Subject, string? ChipStatus, bool? ChipConnected);

    public async Task<List<OpenAlert>> OpenAsync(IEnumerable<string> kinds, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Open).P("kinds", kinds.ToArray());
        return await cmd.ListAsync(r => new OpenAlert(r.Get<long>("id"), r.Get<string>("kind"), r.Get<string>("subject"),
            r.OptString("status"), r.Opt<bool>("connected")), ct);
    }

    public async Task<List<Alert>> ListAsync(bool openOnly, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(List).P("open", openOnly).P("limit", limit);
        return await cmd.ListAsync(r => new Alert(r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<string>("kind"), r.Get<string>("severity"),
            r.Get<string>("subject"), r.Opt<long>("chip_id"), r.Get<string>("message"), r.Get<DateTimeOffset>("last_seen_at"),
            r.Opt<DateTimeOffset>("resolved_at"), r.OptString("resolved_by"),
            System.Text.Json.JsonSerializer.Deserialize<List<AlertDelivery>>(r.Get<string>("deliveries"), Web) ?? []), ct);
    }

    static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);
}
