using Npgsql;

namespace Julia.Storage.Meta;

/// <summary>
/// What a contact's grain keeps for Meta: when the doctor last wrote to each chip within the last 24 h (each such chip's
/// window), and whether they stopped promotions.
/// </summary>
public sealed record MetaContactState(IReadOnlyDictionary<long, DateTimeOffset> LastWrote, DateTimeOffset? MarketingOptedOutAt);

/// <summary>
/// The contact's Meta state, read once when its grain activates (not on a warm selection): the windows come from the
/// inbound messages themselves (by their own timestamps), the marketing opt-out from the contact's row.
/// </summary>
public sealed class MetaContactStore(NpgsqlDataSource db)
{
    // inbound_contact_at serves the range on received_at (a message is received after it was written, so 48 h back covers
    // every message written in the last 24 h even when its webhook came late).
    const string State = """
        SELECT (SELECT coalesce(json_object_agg(w.chip_id, w.at), '{}')::text FROM (
                    SELECT i.chip_id, max(i.sent_at) AS at FROM inbound i
                    WHERE i.contact = @contact AND i.received_at > @now - interval '48 hours' AND i.sent_at > @now - interval '24 hours'
                    GROUP BY i.chip_id) w) AS windows,
               (SELECT c.marketing_opted_out_at FROM contacts c WHERE c.phone = @contact) AS marketing_opted_out_at
        """;

    const string Marketing = """
        INSERT INTO contacts (phone, ddd, marketing_opted_out_at, marketing_opt_source, created_at, updated_at)
        VALUES (@phone, @ddd, CASE WHEN @stop THEN @at END, CASE WHEN @stop THEN @source END, @now, @now)
        ON CONFLICT (phone) DO UPDATE SET
            marketing_opted_out_at = CASE WHEN @stop THEN coalesce(contacts.marketing_opted_out_at, @at) END,
            marketing_opt_source = CASE WHEN @stop THEN coalesce(contacts.marketing_opt_source, @source) END,
            updated_at = @now
        RETURNING marketing_opted_out_at
        """;

    public async Task<MetaContactState> StateAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(State).P("contact", contact).P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var windows = System.Text.Json.JsonSerializer.Deserialize<Dictionary<long, DateTimeOffset>>(r.GetString(0)) ?? [];
        return new MetaContactState(windows, r.Opt<DateTimeOffset>("marketing_opted_out_at"));
    }

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
