using Npgsql;

namespace Julia.Storage.Inbox;

/// <summary>
/// WhatsApp LIDs (privacy aliases that some events carry instead of the phone) and the phones they stand
/// for, learnt from events that carry both. One table for every chip: a LID names a user, not a chat.
/// Learning a pair and holding an event for its LID take the same per-LID lock, so an event is never
/// held after its LID was learnt (it would wait for a release that already happened).
/// </summary>
public sealed class LidStore(NpgsqlDataSource db)
{
    /// <summary>The per-LID lock both sides take, in their own transaction.</summary>
    internal const string Lock = "SELECT pg_advisory_xact_lock(hashtext('lid:' || @lid))";

    // Learn (or correct) the pair and put back, in one go, every event held for this LID.
    const string LearnAndRelease = """
        WITH learnt AS (
            INSERT INTO lid_phones (lid, phone, learnt_at) VALUES (@lid, @phone, @now)
            ON CONFLICT (lid) DO UPDATE SET phone = EXCLUDED.phone, learnt_at = EXCLUDED.learnt_at
            WHERE lid_phones.phone <> EXCLUDED.phone
        )
        UPDATE inbox SET status = 'pending', held_for = NULL, next_attempt_at = @now, error = NULL
        WHERE status = 'held' AND held_for = @lid
        """;

    /// <summary>Records that <paramref name="lid"/> is <paramref name="phone"/>; returns how many held events went back to the queue.</summary>
    public async Task<int> LearnAsync(string lid, string phone, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var l = c.Cmd(Lock, tx).P("lid", lid)) await l.ExecuteNonQueryAsync(ct);
        int released;
        await using (var cmd = c.Cmd(LearnAndRelease, tx).P("lid", lid).P("phone", phone).P("now", now))
            released = await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return released;
    }

    public async Task<string?> PhoneForAsync(string lid, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT phone FROM lid_phones WHERE lid = @lid").P("lid", lid);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
