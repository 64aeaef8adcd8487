using Npgsql;

namespace Julia.Storage.Conversations;

public sealed record Conversation(long Id, string Contact, long ChipId, string ChipPhone, string ChipInstance, DateTimeOffset StartedAt,
                                  DateTimeOffset UpdatedAt, long? MigratedFrom, DateTimeOffset? MigratedAt, bool AnnouncementPending);

/// <summary>
/// What a conversation grain holds about its contact: the guardrails' inputs and the sticky chip.
/// <see cref="BusinessSent"/>: when business-initiated messages were granted to the contact in the last 7 days.
/// </summary>
public sealed record ContactState(bool Exists, bool HasBasis, DateTimeOffset? OptedOutAt, DateTimeOffset? LastInboundAt,
                                  long? ConversationId, long? ChipId, IReadOnlyList<DateTimeOffset> BusinessSent);

public sealed class ConversationStore(NpgsqlDataSource db)
{
    // One round trip when a contact's grain activates.
    static readonly PositionalSql State = new("""
        SELECT c.phone IS NOT NULL AS exists, c.lawful_basis IS NOT NULL AS has_basis, c.opted_out_at, c.last_inbound_at,
               conv.id AS conversation_id, conv.chip_id,
               ARRAY(SELECT s.at FROM selections s
                     WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply' AND s.at > @now - interval '7 days'
                     ORDER BY s.at) AS business_sent
        FROM (SELECT 1) one
        LEFT JOIN contacts c ON c.phone = @contact
        LEFT JOIN conversations conv ON conv.contact = @contact
        """);

    const string ByContact = """
        SELECT v.*, ch.phone AS chip_phone, ch.instance AS chip_instance
        FROM conversations v JOIN chips ch ON ch.id = v.chip_id WHERE v.contact = @contact
        """;

    /// <summary>The announcement was said from this chip: the conversation owes nothing more.</summary>
    public async Task AnnouncedAsync(string contact, long chipId, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("UPDATE conversations SET announcement_pending = false WHERE contact = @contact AND chip_id = @chip AND announcement_pending")
            .P("contact", contact).P("chip", chipId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<ContactState> StateAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("contact", contact).P("now", now).Positional(State);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new ContactState(r.Get<bool>("exists"), r.Get<bool>("has_basis"), r.Opt<DateTimeOffset>("opted_out_at"), r.Opt<DateTimeOffset>("last_inbound_at"),
            r.Opt<long>("conversation_id"), r.Opt<long>("chip_id"), r.Get<DateTimeOffset[]>("business_sent"));
    }

    public async Task<Conversation?> GetAsync(string contact, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ByContact).P("contact", contact);
        return await cmd.FirstAsync(r => new Conversation(r.Get<long>("id"), r.Get<string>("contact"), r.Get<long>("chip_id"),
            r.Get<string>("chip_phone"), r.Get<string>("chip_instance"), r.Get<DateTimeOffset>("started_at"), r.Get<DateTimeOffset>("updated_at"),
            r.Opt<long>("migrated_from"), r.Opt<DateTimeOffset>("migrated_at"), r.Get<bool>("announcement_pending")), ct);
    }
}
