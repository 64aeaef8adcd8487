using Npgsql;

namespace Julia.Storage.Conversations;

public sealed record Conversation(long Id, string Contact, long ChipId, string ChipPhone, string ChipInstance, DateTimeOffset StartedAt,
                                  DateTimeOffset UpdatedAt, long? MigratedFrom, DateTimeOffset? MigratedAt, bool AnnouncementPending);

public sealed class ConversationStore(NpgsqlDataSource db)
{
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

    public async Task<Conversation?> GetAsync(string contact, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ByContact).P("contact", contact);
        return await cmd.FirstAsync(r => new Conversation(r.Get<long>("id"), r.Get<string>("contact"), r.Get<long>("chip_id"),
            r.Get<string>("chip_phone"), r.Get<string>("chip_instance"), r.Get<DateTimeOffset>("started_at"), r.Get<DateTimeOffset>("updated_at"),
            r.Opt<long>("migrated_from"), r.Opt<DateTimeOffset>("migrated_at"), r.Get<bool>("announcement_pending")), ct);
    }
}
