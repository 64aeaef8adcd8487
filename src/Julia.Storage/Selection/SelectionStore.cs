using System.Text.Json;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Npgsql;

namespace Julia.Storage.Selection;

/// <summary>What selection reads about a contact and the pool before choosing.</summary>
public sealed record SelectionContext(ContactFacts Contact, long? ConversationId, long? AffinityChipId, bool GateTripped);

/// <summary>A candidate chip as ranked, with the limits its snapshot row earns.</summary>
public sealed record Candidate(ChipSummary Chip, ChipLimits Limits);

/// <summary>
/// One reservation try over ranked candidates. <see cref="Affinity"/> means the only candidate is the
/// contact's own chip; a migration reason means the contact is being moved off theirs.
/// </summary>
public sealed record Reservation(string Contact, MessageKind Kind, IReadOnlyList<Candidate> Candidates, bool Affinity,
                                 DateTimeOffset Hour, DateOnly Day, int CandidateCount,
                                 IReadOnlyDictionary<string, int> Excluded, bool Fallback, string? MigrationReason);

/// <summary>The reserved chip (null when every candidate was taken or no longer eligible) and the candidates' current rows.</summary>
public sealed record ReserveResult(ChipSummary? Reserved, long SelectionId, string? Reason, long ConversationId, long? PreviousChipId,
                                   bool AnnouncementPending, IReadOnlyList<ChipSummary> Current);

public sealed record SelectionRecord(long Id, DateTimeOffset At, string Contact, string Kind, long? ChipId, string? Code,
                                     string? Reason, int Candidates, JsonElement Excluded, bool Fallback, string Node);

public sealed class SelectionStore(NpgsqlDataSource db, string node)
{
    // One round trip for every guardrail input: contact, unanswered business messages since the
    // contact last spoke (7 days at most), the sticky chip and the pool gate.
    static readonly PositionalSql Context = new("""
        SELECT c.phone IS NOT NULL AS exists, c.lawful_basis IS NOT NULL AS has_basis, c.opted_out_at, c.last_inbound_at,
               (SELECT count(*) FROM selections s
                 WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply'
                   AND s.at > greatest(@now - interval '7 days', coalesce(c.last_inbound_at, '-infinity'))) AS unanswered,
               conv.id AS conversation_id, conv.chip_id AS affinity_chip, ps.gate_tripped
        FROM pool_state ps
        LEFT JOIN contacts c ON c.phone = @contact
        LEFT JOIN conversations conv ON conv.contact = @contact
        """);

    // Reserve a send slot and record the decision in ONE statement (the claim pattern).
    // The caller ranked candidates on a snapshot; here the first candidate, in rank order, that is
    // still eligible in its row (status, trust, stage, connection, cooldown, breaker, min gap, hour and
    // day caps) and not locked by another reservation is locked and charged. SKIP LOCKED spreads
    // concurrent selections over the ranked chips instead of queueing them on the best one; a row
    // committed since our snapshot is re-checked after it is locked, so no number of nodes can exceed
    // a cap. A contact's own chip is tried alone and waited for (FOR UPDATE without SKIP LOCKED), then
    // re-checked on the row its holder committed. Candidates are looked up by primary key in rank
    // order (array_position), never by scanning the chip table. The audit row,
    // the sticky conversation and any migration record exist exactly when the reservation does.
    // Hour and day buckets only move forward (bucket < @hour resets), so a node with a lagging clock
    // cannot reset a counter. When nothing is reserved, the candidates' current rows come back so the
    // caller's snapshot heals without another query.
    static readonly PositionalSql ReserveRanked = new(ReserveSql("SKIP LOCKED")), ReserveOwn = new(ReserveSql(""));

    static string ReserveSql(string lockWait) => $"""
        WITH pick AS MATERIALIZED (
            SELECT c.id, k.rank FROM chips c
            CROSS JOIN LATERAL (SELECT array_position(@ids::bigint[], c.id) AS rank) k
            WHERE c.id = ANY(@ids::bigint[])
              AND c.status = (@statuses::text[])[k.rank] AND c.trust_score = (@trusts::smallint[])[k.rank]
              AND c.rampup_stage = (@stages::smallint[])[k.rank] AND c.connected
              AND (c.cooldown_until IS NULL OR c.cooldown_until <= @now)
              AND (c.breaker_state = 'closed' OR c.breaker_until <= @now)
              AND (c.last_sent_at IS NULL OR c.last_sent_at <= @now - (@gaps::interval[])[k.rank])
              AND (c.hour_bucket IS NULL OR c.hour_bucket < @hour OR (c.hour_bucket = @hour AND c.sent_this_hour < (@hour_caps::int[])[k.rank]))
              AND (c.day_bucket IS NULL OR c.day_bucket < @day OR (c.day_bucket = @day AND c.sent_today < (@day_caps::int[])[k.rank]))
            ORDER BY k.rank
            LIMIT 1
            FOR UPDATE OF c {lockWait}
        ), r AS (
            UPDATE chips SET
                sent_this_hour = CASE WHEN hour_bucket = @hour THEN sent_this_hour + 1 ELSE 1 END,
                hour_bucket = @hour,
                sent_today = CASE WHEN day_bucket = @day THEN sent_today + 1 ELSE 1 END,
                day_bucket = @day,
                last_sent_at = @now,
                -- a reservation on a breaker past its time is the single half-open trial, with a deadline
                breaker_state = CASE WHEN breaker_state = 'closed' THEN 'closed' ELSE 'half_open' END,
                breaker_until = CASE WHEN breaker_state = 'closed' THEN NULL ELSE @now + interval '2 minutes' END,
                updated_at = @now
            FROM pick WHERE chips.id = pick.id
            RETURNING pick.rank, {ChipRow.Prefixed("chips")}
        ), trial AS (
            INSERT INTO breaker_log (chip_id, at, from_state, to_state, reason)
            SELECT r.id, @now, 'open', 'half_open', 'trial admitted' FROM r WHERE r.breaker_state = 'half_open'
        ), before AS (
            SELECT chip_id FROM conversations WHERE contact = @contact
        ), conv AS (
            INSERT INTO conversations AS c (contact, chip_id, started_at, updated_at)
            SELECT @contact, r.id, @now, @now FROM r
            ON CONFLICT (contact) DO UPDATE SET
                chip_id = EXCLUDED.chip_id,
                migrated_from = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN c.chip_id ELSE c.migrated_from END,
                migrated_at = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN @now ELSE c.migrated_at END,
                announcement_pending = c.announcement_pending OR c.chip_id <> EXCLUDED.chip_id,
                updated_at = @now
            RETURNING id, chip_id, announcement_pending
        ), sel AS (
            INSERT INTO selections (at, contact, kind, chip_id, reason, candidates, excluded, fallback, node)
            SELECT @now, @contact, @kind, r.id,
                   CASE WHEN @affinity THEN 'affinity' WHEN @migration_reason IS NOT NULL THEN 'failover' ELSE 'ranked' END,
                   @candidates, @excluded, @fallback, @node FROM r
            RETURNING id, reason
        ), op AS (
            INSERT INTO operations (at, actor, action, chip_id, contact, reason, details)
            SELECT @now, 'selection', 'conversation_migrated', conv.chip_id, @contact, @migration_reason,
                   jsonb_build_object('fromChip', b.chip_id, 'toChip', conv.chip_id)
            FROM conv JOIN before b ON b.chip_id <> conv.chip_id
        )
        SELECT true AS reserved, sel.id AS selection_id, sel.reason, conv.id AS conversation_id,
               (SELECT chip_id FROM before) AS previous_chip, conv.announcement_pending, r.*
        FROM r, sel, conv
        UNION ALL
        SELECT false, NULL, NULL, NULL, NULL, NULL, NULL, {ChipRow.Columns} FROM chips
        WHERE id = ANY(@ids) AND NOT EXISTS (SELECT 1 FROM r)
        """;

    const string Refusal = """
        INSERT INTO selections (at, contact, kind, code, candidates, excluded, node)
        VALUES (@now, @contact, @kind, @code, @candidates, @excluded, @node) RETURNING id
        """;

    // One statement per shape: a prepared plan for "chip = @chip OR @chip IS NULL" could use no index.
    const string ListColumns = "id, at, contact, kind, chip_id, code, reason, candidates, excluded::text AS excluded, fallback, node";
    const string ListAll = $"SELECT {ListColumns} FROM selections WHERE id < @before ORDER BY id DESC LIMIT @limit";
    const string ListChip = $"""
        SELECT {ListColumns} FROM selections WHERE chip_id = @chip AND id < @before ORDER BY chip_id DESC, id DESC LIMIT @limit
        """;

    public async Task<SelectionContext> ContextAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("contact", contact).P("now", now).Positional(Context);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var facts = new ContactFacts(r.Get<bool>("exists"), r.Get<bool>("has_basis"), r.Opt<DateTimeOffset>("opted_out_at"),
            r.Opt<DateTimeOffset>("last_inbound_at"), (int)r.Get<long>("unanswered"));
        return new SelectionContext(facts, r.Opt<long>("conversation_id"), r.Opt<long>("affinity_chip"), r.Get<bool>("gate_tripped"));
    }

    public async Task<ReserveResult> ReserveAsync(Reservation x, DateTimeOffset now, CancellationToken ct)
    {
        var c = x.Candidates;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = conn.CreateCommand()
            .P("ids", c.Select(k => k.Chip.Id).ToArray())
            .P("statuses", c.Select(k => Domain.Chips.ChipStatuses.ToWire(k.Chip.Status)).ToArray())
            .P("trusts", c.Select(k => (short)k.Chip.TrustScore).ToArray())
            .P("stages", c.Select(k => (short)k.Chip.Stage).ToArray())
            .P("gaps", c.Select(k => k.Limits.MinGap).ToArray())
            .P("hour_caps", c.Select(k => k.Limits.PerHour).ToArray())
            .P("day_caps", c.Select(k => k.Limits.PerDay).ToArray())
            .P("now", now).P("hour", x.Hour).P("day", x.Day).P("contact", x.Contact).P("kind", x.Kind.ToWire())
            .P("affinity", x.Affinity).P("candidates", x.CandidateCount).Json("excluded", JsonSerializer.Serialize(x.Excluded))
            .P("fallback", x.Fallback).P("node", node).Text("migration_reason", x.MigrationReason)
            .Positional(x.Affinity ? ReserveOwn : ReserveRanked);
        var current = new List<ChipSummary>(c.Count);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var chip = ChipRow.ReadSummary(r);
            if (r.Get<bool>("reserved"))
                return new ReserveResult(chip, r.Get<long>("selection_id"), r.Get<string>("reason"), r.Get<long>("conversation_id"),
                                         r.Opt<long>("previous_chip"), r.Get<bool>("announcement_pending"), [chip]);
            current.Add(chip);
        }
        return new ReserveResult(null, 0, null, 0, null, false, current);
    }

    public async Task<long> RecordRefusalAsync(string contact, MessageKind kind, string code, int candidates,
                                               IReadOnlyDictionary<string, int> excluded, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Refusal).P("now", now).P("contact", contact).P("kind", kind.ToWire()).P("code", code)
            .P("candidates", candidates).Json("excluded", JsonSerializer.Serialize(excluded)).P("node", node);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<SelectionRecord>> ListAsync(long? chipId, long? before, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = chipId is null ? c.Cmd(ListAll) : c.Cmd(ListChip).P("chip", chipId.Value);
        cmd.P("before", before ?? long.MaxValue).P("limit", limit);
        return await cmd.ListAsync(r => new SelectionRecord(r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<string>("contact"),
            r.Get<string>("kind"), r.Opt<long>("chip_id"), r.OptString("code"), r.OptString("reason"), r.Get<int>("candidates"),
            JsonDocument.Parse(r.Get<string>("excluded")).RootElement.Clone(), r.Get<bool>("fallback"), r.Get<string>("node")), ct);
    }
}
