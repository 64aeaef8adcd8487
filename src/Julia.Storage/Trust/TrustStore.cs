using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Npgsql;

namespace Julia.Storage.Trust;

/// <summary>
/// Reads the trust score's inputs from stored events: sends and receipts (messages), errors
/// (message_attempts), doctors' messages (inbound), blocks, opt-outs and spam signals (chip_signals).
/// Windows: 7 days, and 24 hours for errors.
/// </summary>
public sealed class TrustStore(NpgsqlDataSource db)
{
    // One pass per chip set; every window is relative to @now so tests control time.
    const string Inputs = """
        WITH c AS (SELECT id, trust_score, account_created_at, rampup_stage FROM chips WHERE status <> 'retired' AND (@ids IS NULL OR id = ANY(@ids))),
        sent AS (
            SELECT chip_id, count(*) AS sent, count(delivered_at) AS delivered, count(DISTINCT contact) AS contacts
            FROM messages WHERE sent_at > @now - interval '7 days' AND chip_id IN (SELECT id FROM c) GROUP BY chip_id
        ), heard AS (
            SELECT i.chip_id, count(DISTINCT i.contact) AS repliers,
                   count(DISTINCT i.contact) FILTER (WHERE EXISTS (
                       SELECT 1 FROM messages m WHERE m.chip_id = i.chip_id AND m.contact = i.contact
                                                      AND m.sent_at > @now - interval '7 days')) AS bidirectional
            FROM inbound i WHERE i.received_at > @now - interval '7 days' AND i.chip_id IN (SELECT id FROM c) GROUP BY i.chip_id
        ), errors AS (
            SELECT chip_id, count(*) FILTER (WHERE finished_at > @now - interval '24 hours') AS errors24, max(finished_at) AS last_error
            FROM message_attempts WHERE outcome IN ('transient', 'permanent', 'spam_restriction') AND chip_id IN (SELECT id FROM c) GROUP BY chip_id
        ), signals AS (
            SELECT chip_id, count(*) FILTER (WHERE kind IN ('blocked', 'opt_out')) AS blocks,
                   bool_or(kind = 'spam_restriction') AS spam
            FROM chip_signals WHERE at > @now - interval '7 days' AND chip_id IN (SELECT id FROM c) GROUP BY chip_id
        )
        SELECT c.id, c.trust_score, c.account_created_at, c.rampup_stage, coalesce(s.sent, 0) AS sent, coalesce(s.delivered, 0) AS delivered,
               coalesce(s.contacts, 0) AS contacts, coalesce(h.repliers, 0) AS repliers, coalesce(h.bidirectional, 0) AS bidirectional,
               coalesce(e.errors24, 0) AS errors24, e.last_error, coalesce(g.blocks, 0) AS blocks, coalesce(g.spam, false) AS spam
        FROM c LEFT JOIN sent s ON s.chip_id = c.id LEFT JOIN heard h ON h.chip_id = c.id
               LEFT JOIN errors e ON e.chip_id = c.id LEFT JOIN signals g ON g.chip_id = c.id
        """;

    /// <summary>Each chip's stored score and the inputs to compute it again.</summary>
    public async Task<List<(long ChipId, int Stored, TrustInputs Inputs)>> InputsAsync(long[]? chipIds, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Inputs).P("now", now);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint)
        {
            Value = (object?)chipIds ?? DBNull.Value,
        });
        return await cmd.ListAsync(r =>
        {
            var age = (now - r.Get<DateTimeOffset>("account_created_at")).TotalDays;
            long sent = r.Get<long>("sent"), contacts = r.Get<long>("contacts");
            var lastError = r.Opt<DateTimeOffset>("last_error");
            return (r.Get<long>("id"), (int)r.Get<short>("trust_score"), new TrustInputs(
                AccountAgeDays: age,
                ResponseRate7d: contacts == 0 ? 0 : Math.Min(1, r.Get<long>("repliers") / (double)contacts),
                DeliveryRate7d: sent == 0 ? 0 : r.Get<long>("delivered") / (double)sent,
                BidirectionalConversations7d: (int)r.Get<long>("bidirectional"),
                DaysWithoutError: lastError is { } le ? (now - le).TotalDays : age,
                Stage: (RampStage)r.Get<short>("rampup_stage"),
                BlockOptOutRate7d: contacts == 0 ? 0 : r.Get<long>("blocks") / (double)contacts,
                Errors24h: (int)r.Get<long>("errors24"),
                SpamSignal7d: r.Get<bool>("spam")));
        }, ct);
    }

    /// <summary>Stores a new score (and its factors, as JSON) only when it changed; returns whether it did.</summary>
    public async Task<bool> SaveAsync(long chipId, int score, string level, string factors, string cause, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var u = c.Cmd("UPDATE chips SET trust_score = @s, trust_updated_at = @now, updated_at = @now WHERE id = @id AND trust_score <> @s", tx)
                         .P("id", chipId).P("s", (short)score).P("now", now))
            if (await u.ExecuteNonQueryAsync(ct) == 0) { await tx.RollbackAsync(ct); return false; }
        await ChipStore.AddTrustAsync(c, tx, chipId, score, level, factors, cause, now, ct);
        await ChipStore.NotifyAsync(c, tx, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
