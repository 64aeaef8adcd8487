using System.Text.Json;
using Julia.Domain.Selection;
using Julia.Storage.Chips;
using Npgsql;

namespace Julia.Storage.Selection;

/// <summary>What selection reads about a contact and the pool before choosing.</summary>
public sealed record SelectionContext(ContactFacts Contact, long? ConversationId, long? AffinityChipId, bool GateTripped);

public sealed record Reservation(string Contact, MessageKind Kind, ChipSummary Chip, int HourCap, int DayCap, TimeSpan MinGap,
                                 DateTimeOffset Hour, DateOnly Day, string Reason, int Candidates,
                                 IReadOnlyDictionary<string, int> Excluded, bool Fallback, string? MigrationReason);

/// <summary>Either the reservation was made (ids set), or it lost and <see cref="Current"/> is the chip as it is now.</summary>
public sealed record ReserveResult(bool Reserved, long SelectionId, long ConversationId, long? PreviousChipId, ChipSummary? Current);

public sealed record SelectionRecord(long Id, DateTimeOffset At, string Contact, string Kind, long? ChipId, string? Code,
                                     string? Reason, int Candidates, JsonElement Excluded, bool Fallback, string Node);

public sealed class SelectionStore(NpgsqlDataSource db, string node)
{
    // One round trip for every guardrail input: contact, unanswered business messages since the
    // contact last spoke (7 days at most), the sticky chip and the pool gate.
    const string Context = """
        SELECT c.phone IS NOT NULL AS exists, c.lawful_basis IS NOT NULL AS has_basis, c.opted_out_at, c.last_inbound_at,
               (SELECT count(*) FROM selections s
                 WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply'
                   AND s.at > greatest(@now - interval '7 days', coalesce(c.last_inbound_at, '-infinity'))) AS unanswered,
               conv.id AS conversation_id, conv.chip_id AS affinity_chip, ps.gate_tripped
        FROM pool_state ps
        LEFT JOIN contacts c ON c.phone = @contact
        LEFT JOIN conversations conv ON conv.contact = @contact
        """;

    // Reserve a send slot and record the decision in ONE statement: the chip row's caps, gap, status,
    // trust, stage, cooldown and breaker are re-checked in the WHERE (the ranking used a snapshot),
    // so no number of nodes can exceed a cap; the audit row, the sticky conversation and a migration
    // record exist exactly when the reservation does. On a lost race the chip's row comes back instead,
    // so the caller's snapshot heals without another query. Clock hours/days only move forward
    // (bucket < @hour resets), so a node with a lagging clock cannot reset a counter.
    const string Reserve = $"""
        WITH r AS (
            UPDATE chips SET
                sent_this_hour = CASE WHEN hour_bucket = @hour THEN sent_this_hour + 1 ELSE 1 END,
                hour_bucket = @hour,
                sent_today = CASE WHEN day_bucket = @day THEN sent_today + 1 ELSE 1 END,
                day_bucket = @day,
                last_sent_at = @now,
                breaker_state = CASE WHEN breaker_state = 'open' THEN 'half_open' ELSE breaker_state END,
                breaker_until = NULL,
                updated_at = @now
            WHERE id = @chip AND status = @status AND trust_score = @trust AND rampup_stage = @stage AND connected
              AND (cooldown_until IS NULL OR cooldown_until <= @now)
              AND (breaker_state = 'closed' OR (breaker_state = 'open' AND breaker_until <= @now))
              AND (last_sent_at IS NULL OR last_sent_at <= @now - @gap)
              AND (hour_bucket IS NULL OR hour_bucket < @hour OR (hour_bucket = @hour AND sent_this_hour < @hour_cap))
              AND (day_bucket IS NULL OR day_bucket < @day OR (day_bucket = @day AND sent_today < @day_cap))
            RETURNING {ChipRow.Columns}
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
            RETURNING id, chip_id
        ), sel AS (
            INSERT INTO selections (at, contact, kind, chip_id, reason, candidates, excluded, fallback, node)
            SELECT @now, @contact, @kind, r.id, @reason, @candidates, @excluded, @fallback, @node FROM r
            RETURNING id
        ), op AS (
            INSERT INTO operations (at, actor, action, chip_id, contact, reason, details)
            SELECT @now, 'selection', 'conversation_migrated', conv.chip_id, @contact, @migration_reason,
                   jsonb_build_object('fromChip', b.chip_id, 'toChip', conv.chip_id)
            FROM conv JOIN before b ON b.chip_id <> conv.chip_id
        )
        SELECT true AS reserved, sel.id AS selection_id, conv.id AS conversation_id, (SELECT chip_id FROM before) AS previous_chip, r.*
        FROM r, sel, conv
        UNION ALL
        SELECT false, NULL, NULL, NULL, {ChipRow.Columns} FROM chips WHERE id = @chip AND NOT EXISTS (SELECT 1 FROM r)
        """;

    const string Refusal = """
        INSERT INTO selections (at, contact, kind, code, candidates, excluded, node)
        VALUES (@now, @contact, @kind, @code, @candidates, @excluded, @node) RETURNING id
        """;

    const string List = """
        SELECT id, at, contact, kind, chip_id, code, reason, candidates, excluded::text AS excluded, fallback, node FROM selections
        WHERE (@chip IS NULL OR chip_id = @chip) AND (@before IS NULL OR id < @before)
        ORDER BY id DESC LIMIT @limit
        """;

    public async Task<SelectionContext> ContextAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Context).P("contact", contact).P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var facts = new ContactFacts(r.Get<bool>("exists"), r.Get<bool>("has_basis"), r.Opt<DateTimeOffset>("opted_out_at"),
            r.Opt<DateTimeOffset>("last_inbound_at"), (int)r.Get<long>("unanswered"));
        return new SelectionContext(facts, r.Opt<long>("conversation_id"), r.Opt<long>("affinity_chip"), r.Get<bool>("gate_tripped"));
    }

    public async Task<ReserveResult> ReserveAsync(Reservation x, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Reserve)
            .P("chip", x.Chip.Id).P("status", Domain.Chips.ChipStatuses.ToWire(x.Chip.Status)).P("trust", (short)x.Chip.TrustScore)
            .P("stage", (short)x.Chip.Stage).P("now", now).P("gap", x.MinGap).P("hour", x.Hour).P("day", x.Day)
            .P("hour_cap", x.HourCap).P("day_cap", x.DayCap).P("contact", x.Contact).P("kind", x.Kind.ToWire())
            .P("reason", x.Reason).P("candidates", x.Candidates).Json("excluded", JsonSerializer.Serialize(x.Excluded))
            .P("fallback", x.Fallback).P("node", node).Text("migration_reason", x.MigrationReason);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new ReserveResult(false, 0, 0, null, null); // chip deleted? never; treat as lost
        var chip = ChipRow.ReadSummary(r);
        return r.Get<bool>("reserved")
            ? new ReserveResult(true, r.Get<long>("selection_id"), r.Get<long>("conversation_id"), r.Opt<long>("previous_chip"), chip)
            : new ReserveResult(false, 0, 0, null, chip);
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
        await using var cmd = c.Cmd(List).Long("chip", chipId).Long("before", before).P("limit", limit);
        return await cmd.ListAsync(r => new SelectionRecord(r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<string>("contact"),
            r.Get<string>("kind"), r.Opt<long>("chip_id"), r.OptString("code"), r.OptString("reason"), r.Get<int>("candidates"),
            JsonDocument.Parse(r.Get<string>("excluded")).RootElement.Clone(), r.Get<bool>("fallback"), r.Get<string>("node")), ct);
    }
}
