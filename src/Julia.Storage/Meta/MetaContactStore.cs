using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>
/// A contact's marketing opt-out ("stop promotions") and Meta's closing of a contact's window on a chip (131047), written
/// through the contact's grain. Both are read with the rest of the contact's state (<see cref="Conversations.ConversationStore"/>).
/// </summary>
public sealed class MetaContactStore(NpgsqlDataSource db)
{

    const string Marketing = """
        INSERT INTO contacts (phone, ddd, marketing_opted_out_at, marketing_opt_source, created_at, updated_at)
        VALUES (@phone, @ddd, CASE WHEN @stop THEN @at END, CASE WHEN @stop THEN @source END, @now, @now)
        ON CONFLICT (phone) DO UPDATE SET
            marketing_opted_out_at = CASE WHEN @stop THEN coalesce(contacts.marketing_opted_out_at, @at) END,
            marketing_opt_source = CASE WHEN @stop THEN coalesce(contacts.marketing_opt_source, @source) END,
            updated_at = @now
        RETURNING marketing_opted_out_at
        """;

    /// <summary>Stop (or resume) promotions for the contact; returns the opt-out now in force (null after a resume).</summary>
    public async Task<DateTimeOffset?> SetMarketingAsync(string phone, int? ddd, bool stop, string source, DateTimeOffset at, DateTimeOffset now,
                                                         CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Marketing).P("phone", phone).P("ddd", (short?)ddd).P("stop", stop).P("source", source).P("at", at).P("now", now);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : v as DateTimeOffset?;
    }

    const string Closure = """
        INSERT INTO meta_window_closures (contact, chip_id, closed_at) VALUES (@contact, @chip, @at)
        ON CONFLICT (contact, chip_id) DO UPDATE SET closed_at = greatest(meta_window_closures.closed_at, EXCLUDED.closed_at)
        """;

    /// <summary>Meta holds the contact's window on the chip closed at <paramref name="at"/>: messages written until then no longer open it.</summary>
    public async Task CloseWindowAsync(string contact, long chipId, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Closure).P("contact", contact).P("chip", chipId).P("at", at);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
