using System.Text.Json;
using Julia.Domain.Contacts;
using Julia.Domain.Selection;
using Npgsql;

namespace Julia.Storage.Conversations;

public sealed record Conversation(long Id, string Contact, long ChipId, string ChipPhone, string ChipInstance, DateTimeOffset StartedAt,
                                  DateTimeOffset UpdatedAt, long? MigratedFrom, DateTimeOffset? MigratedAt, bool AnnouncementPending);

/// <summary>
/// What a conversation grain holds about its contact: the guardrails' inputs and the sticky chip.
/// <see cref="BusinessSent"/>: the business-initiated messages granted to the contact within the longest
/// frequency window that may be configured (<see cref="ContactLimits.MaxDays"/>), with their kind (the daily
/// limit weighs prospecting more). <see cref="Overrides"/>: operator overrides not revoked and not yet past their end.
/// For Meta chips: <see cref="MetaWindows"/>, when the doctor last wrote to each chip within the last 24 h (each such chip's
/// window, from the inbound messages' own timestamps), and <see cref="MarketingOptedOutAt"/>, whether they stopped promotions.
/// </summary>
public sealed record ContactState(bool Exists, bool HasBasis, DateTimeOffset? OptedOutAt, DateTimeOffset? LastInboundAt,
                                  long? ConversationId, long? ChipId, IReadOnlyList<BusinessMessage> BusinessSent,
                                  IReadOnlyList<ContactOverride> Overrides, IReadOnlyDictionary<long, DateTimeOffset> MetaWindows,
                                  DateTimeOffset? MarketingOptedOutAt);

public sealed class ConversationStore(NpgsqlDataSource db)
{
    // One round trip when a contact's grain activates. The granted business selections come from the partial
    // index selections_contact_at (contact, at) WHERE chip_id IS NOT NULL: a contact has a handful of rows in
    // 30 days, so reading kind from the heap costs a few pages. Times and kinds are two arrays in one order.
    // An override's use is the granted selections that name it; they come after it was made. Meta windows: inbound_contact_at
    // serves the range on received_at (a message is received after it was written, so 48 h back covers every message written
    // in the last 24 h even when its webhook came late); a message written before Meta said the window closed (131047) opens none.
    static readonly PositionalSql State = new("""
        SELECT c.phone IS NOT NULL AS exists, c.lawful_basis IS NOT NULL AS has_basis, c.opted_out_at, c.last_inbound_at,
               c.marketing_opted_out_at,
               (SELECT coalesce(json_object_agg(w.chip_id, w.at), '{}')::text FROM (
                    SELECT i.chip_id, max(i.sent_at) AS at FROM inbound i
                    WHERE i.contact = @contact AND i.received_at > @now - interval '48 hours' AND i.sent_at > @now - interval '24 hours'
                      AND NOT EXISTS (SELECT 1 FROM meta_window_closures x WHERE x.contact = @contact AND x.chip_id = i.chip_id AND x.closed_at >= i.sent_at)
                    GROUP BY i.chip_id) w) AS meta_windows,
               conv.id AS conversation_id, conv.chip_id,
               ARRAY(SELECT s.at FROM selections s
                     WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply' AND s.at > @since
                     ORDER BY s.at, s.id) AS business_sent,
               ARRAY(SELECT s.kind FROM selections s
                     WHERE s.contact = @contact AND s.chip_id IS NOT NULL AND s.kind <> 'reply' AND s.at > @since
                     ORDER BY s.at, s.id) AS business_kinds,
               (SELECT coalesce(json_agg(json_build_object('id', o.id, 'rule', o.rule, 'until', o.until, 'count', o.count,
                           'used', (SELECT count(*) FROM selections s
                                    WHERE s.contact = o.contact AND s.chip_id IS NOT NULL AND s.at >= o.created_at
                                      AND s.excluded ->> ('override:' || o.rule) = o.id::text))), '[]')::text
                FROM contact_overrides o WHERE o.contact = @contact AND o.revoked_at IS NULL AND o.until > @now) AS overrides
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
        await using var cmd = c.Cmd(
                "UPDATE conversations SET announcement_pending = false WHERE contact = @contact AND chip_id = @chip AND announcement_pending")
            .P("contact", contact).P("chip", chipId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A conversation's chip moves (guarded on the chip it was on, never for a contact who opted out); the announcement becomes owed.</summary>
    public async Task<bool> MigrateAsync(string contact, long from, long to, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("""
            UPDATE conversations v SET chip_id = @to, migrated_from = @from, migrated_at = @now, announcement_pending = true, updated_at = @now
            WHERE v.contact = @contact AND v.chip_id = @from
              AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.phone = v.contact AND k.opted_out_at IS NOT NULL)
            """).P("contact", contact).P("from", from).P("to", to).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ContactState> StateAsync(string contact, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand().P("contact", contact).P("now", now).P("since", now - TimeSpan.FromDays(ContactLimits.MaxDays))
            .Positional(State);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var at = r.Get<DateTimeOffset[]>("business_sent");
        var kinds = r.Get<string[]>("business_kinds");
        var sent = at.Select((t, i) => new BusinessMessage(t, MessageKinds.TryParse(kinds[i], out var k) ? k : MessageKind.Followup)).ToList();
        return new ContactState(r.Get<bool>("exists"), r.Get<bool>("has_basis"), r.Opt<DateTimeOffset>("opted_out_at"),
            r.Opt<DateTimeOffset>("last_inbound_at"),
            r.Opt<long>("conversation_id"), r.Opt<long>("chip_id"), sent, ReadOverrides(r.Get<string>("overrides")),
            JsonSerializer.Deserialize<Dictionary<long, DateTimeOffset>>(r.Get<string>("meta_windows")) ?? [], r.Opt<DateTimeOffset>("marketing_opted_out_at"));
    }

    static List<ContactOverride> ReadOverrides(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(o => new ContactOverride(
            o.GetProperty("id").GetInt64(), o.GetProperty("rule").GetString()!, o.GetProperty("until").GetDateTimeOffset(),
            o.GetProperty("count").ValueKind == JsonValueKind.Null ? null : o.GetProperty("count").GetInt32(),
            o.GetProperty("used").GetInt32(), null))];

    public async Task<Conversation?> GetAsync(string contact, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ByContact).P("contact", contact);
        return await cmd.FirstAsync(r => new Conversation(r.Get<long>("id"), r.Get<string>("contact"), r.Get<long>("chip_id"),
            r.Get<string>("chip_phone"), r.Get<string>("chip_instance"), r.Get<DateTimeOffset>("started_at"), r.Get<DateTimeOffset>("updated_at"),
            r.Opt<long>("migrated_from"), r.Opt<DateTimeOffset>("migrated_at"), r.Get<bool>("announcement_pending")), ct);
    }
}
