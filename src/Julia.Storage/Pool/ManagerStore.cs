using Julia.Domain.Chips;
using Julia.Domain.Pool;
using Julia.Domain.Trust;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Pool;

/// <summary>A contact whose conversation sits on a chip that lost it.</summary>
public sealed record Stranded(string Contact, int? Ddd, long ChipId);

/// <summary>One ramp-up chip's stage and what it did in that stage.</summary>
public sealed record RampupChip(long ChipId, RampStage Stage, DateTimeOffset StartedAt, DateTimeOffset StageAt, int Trust,
                                int Sent, int Delivered, int Contacts, int Blocks, bool Spam)
{
    /// <summary>A stage without sends has nothing against it: trust ≥ 85 at the end still needs genuine traffic.</summary>
    public StageStats Stats => new(Sent == 0 ? 1 : Delivered / (double)Sent, Contacts == 0 ? 0 : Blocks / (double)Contacts, Spam);
}

/// <summary>What the pool manager reads (the chips, the gate, stranded conversations, ramp-up stages) and the records it keeps.</summary>
public sealed class ManagerStore(NpgsqlDataSource db)
{
    // Retired chips stay in view for a while, so conversations still on them move.
    const string Chips = """
        SELECT id, status, trust_score, ddd, connected, connection_changed_at, status_changed_at, last_sent_at, rampup_stage,
               rampup_started_at, breaker_state = 'open' AND breaker_until > @now AS breaker_open
        FROM chips WHERE status <> 'retired' OR retired_at > @now - interval '30 days'
        """;

    const string Facts = """
        SELECT (SELECT gate_tripped FROM pool_state WHERE id = 1) AS tripped,
               EXISTS (SELECT 1 FROM chip_signals WHERE kind = 'spam_restriction' AND at > @now - interval '24 hours') AS restricted
        """;

    // Opted-out contacts stay where they are: migration never moves them.
    const string StrandedOn = """
        SELECT v.contact, coalesce(k.ddd, CASE WHEN v.contact LIKE '+55%' THEN substr(v.contact, 4, 2)::smallint END) AS ddd, v.chip_id FROM conversations v
            LEFT JOIN contacts k ON k.phone = v.contact
        WHERE v.chip_id = ANY(@chips) AND k.opted_out_at IS NULL
        ORDER BY v.updated_at DESC LIMIT @limit
        """;

    // Per ramp-up chip: sends, receipts and contacts since its stage began; blocks, opt-outs and spam signals in the same span.
    const string Rampup = """
        SELECT c.id, c.rampup_stage, c.rampup_started_at, c.rampup_stage_at, c.trust_score,
               (SELECT count(*) FROM messages m WHERE m.chip_id = c.id AND m.sent_at >= c.rampup_stage_at)::int AS sent,
               (SELECT count(*) FROM messages m WHERE m.chip_id = c.id AND m.sent_at >= c.rampup_stage_at AND m.delivered_at IS NOT NULL)::int AS delivered,
               (SELECT count(DISTINCT m.contact) FROM messages m WHERE m.chip_id = c.id AND m.sent_at >= c.rampup_stage_at)::int AS contacts,
               (SELECT count(*) FROM chip_signals s WHERE s.chip_id = c.id AND s.at >= c.rampup_stage_at AND s.kind IN ('blocked', 'opt_out'))::int AS blocks,
               EXISTS (SELECT 1 FROM chip_signals s WHERE s.chip_id = c.id AND s.at >= c.rampup_stage_at AND s.kind = 'spam_restriction') AS spam
        FROM chips c WHERE c.status = 'rampup' AND c.rampup_started_at IS NOT NULL AND (@chip IS NULL OR c.id = @chip)
        """;

    public async Task<List<ManagedChip>> ChipsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Chips).P("now", now);
        return await cmd.ListAsync(r => new ManagedChip(r.Get<long>("id"), ChipStatuses.Parse(r.Get<string>("status")), r.Get<short>("trust_score"),
            r.Get<short>("ddd"), r.Get<bool>("connected"), r.Opt<DateTimeOffset>("connection_changed_at"), r.Get<DateTimeOffset>("status_changed_at"),
            r.Opt<DateTimeOffset>("last_sent_at"), (RampStage)r.Get<short>("rampup_stage"), r.Opt<DateTimeOffset>("rampup_started_at"),
            r.Get<bool>("breaker_open")), ct);
    }

    /// <summary>The gate as stored (not a node's cached copy) and whether a restriction signal came in the last 24 h.</summary>
    public async Task<(bool GateTripped, bool RestrictedRecently)> FactsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Facts).P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.Get<bool>("tripped"), r.Get<bool>("restricted"));
    }

    public async Task<List<Stranded>> StrandedAsync(IReadOnlyCollection<long> chipIds, int limit, CancellationToken ct)
    {
        if (chipIds.Count == 0) return [];
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(StrandedOn).P("chips", chipIds.ToArray()).P("limit", limit);
        return await cmd.ListAsync(r => new Stranded(r.Get<string>("contact"), r.Opt<short>("ddd"), r.Get<long>("chip_id")), ct);
    }

    public async Task<List<RampupChip>> RampupAsync(long? chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Rampup).Long("chip", chipId);
        return await cmd.ListAsync(r => new RampupChip(r.Get<long>("id"), (RampStage)r.Get<short>("rampup_stage"), r.Get<DateTimeOffset>("rampup_started_at"),
            r.Get<DateTimeOffset>("rampup_stage_at"), r.Get<short>("trust_score"), r.Get<int>("sent"), r.Get<int>("delivered"), r.Get<int>("contacts"),
            r.Get<int>("blocks"), r.Get<bool>("spam")), ct);
    }

    /// <summary>
    /// One chip's evaluation for one São Paulo day, and its stage change if any, in one transaction. Keyed by
    /// (chip, day): an evaluation repeated that day (a second activation, a retried tick) changes nothing.
    /// The stage moves only if it is still the one evaluated.
    /// </summary>
    public async Task<bool> EvaluatedAsync(RampupChip chip, DateOnly day, RampStage next, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var log = c.Cmd("""
            INSERT INTO rampup_log (chip_id, day, at, stage, next_stage, sent, delivered, blocks, spam)
            VALUES (@chip, @day, @now, @stage, @next, @sent, @delivered, @blocks, @spam) ON CONFLICT DO NOTHING RETURNING 1
            """, tx).P("chip", chip.ChipId).P("day", day).P("now", now).P("stage", (short)chip.Stage).P("next", (short)next)
            .P("sent", chip.Sent).P("delivered", chip.Delivered).P("blocks", chip.Blocks).P("spam", chip.Spam))
            if (await log.ExecuteScalarAsync(ct) is null) { await tx.RollbackAsync(ct); return false; }
        bool moved = false;
        if (next != chip.Stage)
        {
            await using var u = c.Cmd(
                    "UPDATE chips SET rampup_stage = @next, updated_at = @now WHERE id = @chip AND status = 'rampup' AND rampup_stage = @stage", tx)
                .P("chip", chip.ChipId).P("next", (short)next).P("stage", (short)chip.Stage).P("now", now);
            moved = await u.ExecuteNonQueryAsync(ct) == 1;
            if (moved)
            {
                var why = chip.Spam ? "spam or restriction signal: back to R1"
                    : $"stage clean ({chip.Delivered}/{chip.Sent} delivered, {chip.Blocks} blocks or opt-outs)";
                await OperationStore.AddAsync(c, tx, new NewOperation(actor, "chip_stage_changed", chip.ChipId, Reason: why,
                    Details: new { from = StageName(chip.Stage), to = StageName(next) }), now, ct);
                await Julia.Storage.Chips.ChipStore.NotifyAsync(c, tx, ct);
            }
        }
        await tx.CommitAsync(ct);
        return moved;
    }

    public static string StageName(RampStage s) => s == RampStage.Operating ? "operating" : s.ToString();

    /// <summary>Conversations moved off one chip in one pass, recorded once (not once per contact).</summary>
    public async Task MigratedAsync(long fromChip, string reason, IReadOnlyDictionary<long, int> to, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await OperationStore.AddAsync(c, null, new NewOperation("pool-manager", "conversations_migrated", fromChip, Reason: reason,
            Details: new
            {
                moved = to.Values.Sum(),
                to = to.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value),
            }), now, ct);
    }
}
