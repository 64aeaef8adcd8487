using Npgsql;

namespace Julia.Storage.Inbox;

/// <summary>
/// WhatsApp LIDs (privacy aliases that some events carry instead of the phone) and the phones they stand
/// for, learnt from events that carry both. One table for every chip: a LID names a user, not a chat.
/// </summary>
public sealed class LidStore(NpgsqlDataSource db)
{
    // Learn or correct; true when the mapping is new or changed (then held events may go).
    const string Learn = """
        INSERT INTO lid_phones (lid, phone, learnt_at) VALUES (@lid, @phone, @now)
        ON CONFLICT (lid) DO UPDATE SET phone = EXCLUDED.phone, learnt_at = EXCLUDED.learnt_at
        WHERE lid_phones.phone <> EXCLUDED.phone
        """;

    public async Task<bool> LearnAsync(string lid, string phone, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Learn).P("lid", lid).P("phone", phone).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<string?> PhoneForAsync(string lid, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT phone FROM lid_phones WHERE lid = @lid").P("lid", lid);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
