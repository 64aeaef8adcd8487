using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>
/// A contact's marketing opt-out ("stop promotions"), written through the contact's grain. It is read with the rest of the
/// contact's state (<see cref="Conversations.ConversationStore"/>).
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
}
