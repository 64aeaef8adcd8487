using Julia.Domain.Alerts;
using Npgsql;

namespace Julia.Storage.Alerts;

/// <summary>The facts the alert rules judge, read in one batch (the rules themselves are in Julia.Domain).</summary>
public sealed class MonitorQueries(NpgsqlDataSource db)
{
    // Counts by status and the chips that could prospect now (selection's eligibility without the caps: active,
    // connected, trust at the threshold, breaker not open or due its trial, cooldown over). The overdue
    // count stops just past the threshold's scale: a deep backlog must not make the monitor slow.
    const string Counts = """
        SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
               count(*) FILTER (WHERE status = 'ready')::int AS ready,
               count(*) FILTER (WHERE status = 'active' AND connected AND trust_score >= @trust
                                  AND (breaker_state <> 'open' OR breaker_until <= @now)
                                  AND (cooldown_until IS NULL OR cooldown_until <= @now))::int AS prospectable,
               (SELECT count(*) FROM (SELECT 1 FROM messages WHERE status = 'queued' AND next_attempt_at <= @now - @backlog_age
                                      LIMIT 100000) q)::int AS overdue,
               -- a dead event's next_attempt_at is when it died (plus the last wait)
               (SELECT count(*) FROM inbox WHERE status = 'dead' AND next_attempt_at > @now - @dead_window)::int AS dead
        FROM chips
        """;

    // Chips in service that are disconnected; a chip that never connected has no time and is not "offline".
    const string Disconnected = """
        SELECT id, connection_changed_at FROM chips
        WHERE status IN ('rampup', 'ready', 'active', 'degraded') AND NOT connected AND connection_changed_at IS NOT NULL
        """;

    // A breaker that cycles open → half-open → open is one failing stretch: it is measured from when it last left closed.
    const string Breakers = """
        SELECT c.id, (SELECT max(b.at) FROM breaker_log b WHERE b.chip_id = c.id AND b.from_state = 'closed') AS since
        FROM chips c WHERE c.breaker_state <> 'closed' AND c.status IN ('rampup', 'ready', 'active', 'degraded')
        """;

    // Orleans marks a silo Dead (6) when it shuts down or is voted dead; its last heartbeat is about when it left.
    const string DeadNodes = """
        SELECT siloname, max(iamalivetime) AS last FROM orleansmembership
        WHERE status = 6 AND iamalivetime > @now - @window GROUP BY siloname
        """;

    // The pool grain's last claimed minute, from its stored state (System.Text.Json, readable in SQL).
    const string LastCycle = """
        SELECT max((convert_from(payloadbinary, 'UTF8')::jsonb ->> 'LastMinute')::timestamptz)
        FROM orleansstorage WHERE graintypestring LIKE '%pool%' AND payloadbinary IS NOT NULL
        """;

    public async Task<AlertFacts> FactsAsync(int activeMin, int readyMin, bool gateTripped, AlertThresholds t, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        AlertFacts f;
        await using (var cmd = c.Cmd(Counts).P("trust", (short)t.ProspectingTrust).P("now", now).P("backlog_age", t.BacklogAge)
            .P("dead_window", t.DeadLetterWindow))
            f = (await cmd.FirstAsync(r => new AlertFacts
            {
                Active = r.Get<int>("active"),
                Ready = r.Get<int>("ready"),
                Prospectable = r.Get<int>("prospectable"),
                OverdueQueued = r.Get<int>("overdue"),
                RecentDeadLetters = r.Get<int>("dead"),
            }, ct))!;
        await using (var cmd = c.Cmd(Disconnected))
            f = f with { Disconnected = await cmd.ListAsync(r => (r.Get<long>("id"), r.Get<DateTimeOffset>("connection_changed_at")), ct) };
        await using (var cmd = c.Cmd(Breakers))
            f = f with
            {
                BreakerNotClosed = (await cmd.ListAsync(r => (r.Get<long>("id"), r.Opt<DateTimeOffset>("since")), ct))
                    .Where(x => x.Item2 is not null).Select(x => (x.Item1, x.Item2!.Value)).ToList(),
            };
        await using (var cmd = c.Cmd(DeadNodes).P("now", now).P("window", t.NodeLeftWindow))
            f = f with { DeadNodes = await cmd.ListAsync(r => (r.Get<string>("siloname"), r.Get<DateTimeOffset>("last")), ct) };
        return f with { ActiveMin = activeMin, ReadyMin = readyMin, GateTripped = gateTripped };
    }

    public async Task<DateTimeOffset?> LastCycleAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(LastCycle);
        return await cmd.ExecuteScalarAsync(ct) is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;
    }
}
