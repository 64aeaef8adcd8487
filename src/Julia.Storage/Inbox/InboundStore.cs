using Julia.Domain.Contacts;
using Julia.Domain.Selection;
using Julia.Storage.Contacts;
using Julia.Storage.Operations;
using Julia.Storage.Outbox;
using Julia.Storage.Signals;
using Npgsql;

namespace Julia.Storage.Inbox;

public sealed record NewInbound(long ChipId, string Contact, int? Ddd, string ProviderMessageId, string? PushName, string? Text, DateTimeOffset SentAt);

/// <summary>
/// A contact's message as stored: its id, the contact's conversation, the contact row as its keyword left it
/// (null when the message had no keyword that changes the contact) and whether a reply was queued.
/// </summary>
public sealed record StoredInbound(long Id, long ConversationId, Contact? Contact, bool ReplyQueued);

public sealed record InboundMessage(long Id, long ChipId, string ChipPhone, string Contact, string ProviderMessageId, string? PushName, string? Text,
                                   string Intent, DateTimeOffset SentAt, DateTimeOffset ReceivedAt);

public sealed record ForwardItem(InboundMessage Message, int Attempts);

/// <summary>Doctors' messages: stored once per (chip, gateway id), read by cursor, forwarded to the agent.</summary>
public sealed class InboundStore(NpgsqlDataSource db)
{
    const string Columns = "i.id, i.chip_id, ch.phone AS chip_phone, i.contact, i.provider_message_id, i.push_name, i.text, i.intent, i.sent_at, i.received_at";

    // The message, the contact's last word by our clock (the 24 h reply window and the frequency cap
    // restart from it; the gateway's clock is not ours)
    // and the sticky conversation, in one transaction. A doctor who writes to a number is answered from it.
    const string Insert = """
        INSERT INTO inbound (chip_id, contact, provider_message_id, push_name, text, intent, sent_at, received_at, forward_next_at, forward_status)
        VALUES (@chip, @contact, @pid, @push, @text, @intent, @sent, @now, @now, CASE WHEN @forward THEN 'pending' ELSE 'disabled' END)
        ON CONFLICT (chip_id, provider_message_id) DO NOTHING
        RETURNING id
        """;

    const string TouchContact = """
        INSERT INTO contacts (phone, ddd, name, last_inbound_at, created_at, updated_at)
        VALUES (@contact, @ddd, @push, @now, @now, @now)
        ON CONFLICT (phone) DO UPDATE SET last_inbound_at = greatest(contacts.last_inbound_at, EXCLUDED.last_inbound_at),
            name = coalesce(contacts.name, EXCLUDED.name), updated_at = @now
        """;

    const string Stick = """
        INSERT INTO conversations AS c (contact, chip_id, started_at, updated_at) VALUES (@contact, @chip, @now, @now)
        ON CONFLICT (contact) DO UPDATE SET
            migrated_from = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN c.chip_id ELSE c.migrated_from END,
            migrated_at = CASE WHEN c.chip_id <> EXCLUDED.chip_id THEN @now ELSE c.migrated_at END,
            chip_id = EXCLUDED.chip_id, updated_at = @now
        RETURNING id, coalesce(xmax <> 0 AND migrated_at = @now, false) AS moved
        """;

    /// <summary>
    /// Stores the message with what its keyword does (<paramref name="keyword"/>): the opt-out with the signal against
    /// the chip, or the opt-in, and the reply, keyed by the message so it is queued once. One transaction, so an event
    /// applied again after a crash finds everything done or nothing. Null when the message was stored before.
    /// </summary>
    public async Task<StoredInbound?> AddAsync(NewInbound m, KeywordEffect keyword, bool forward, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long? id;
        await using (var cmd = c.Cmd(Insert, tx).P("chip", m.ChipId).P("contact", m.Contact).P("pid", m.ProviderMessageId).Text("push", m.PushName)
                         .Text("text", m.Text).P("intent", keyword.IntentName).P("sent", m.SentAt).P("now", now).P("forward", forward))
            id = (long?)await cmd.ExecuteScalarAsync(ct);
        if (id is null) return null; // the same message again
        await using (var cmd = c.Cmd(TouchContact, tx).P("contact", m.Contact).P("ddd", (short?)m.Ddd).Text("push", m.PushName).P("sent", m.SentAt)
            .P("now", now))
            await cmd.ExecuteNonQueryAsync(ct);
        long conversation;
        bool moved;
        await using (var cmd = c.Cmd(Stick, tx).P("contact", m.Contact).P("chip", m.ChipId).P("now", now))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (conversation, moved) = (r.Get<long>("id"), r.Get<bool>("moved"));
        }
        if (moved)
            await OperationStore.AddAsync(c, tx, new NewOperation("inbox", "conversation_migrated", m.ChipId, m.Contact,
                Reason: "the contact wrote to this number"), now, ct);

        // The contact's own word: the actor is the contact, the source the number they wrote to.
        Contact? contact = null;
        if (keyword.OptOut)
        {
            contact = await ContactStore.OptOutAsync(c, tx, m.Contact, m.Ddd, $"chip:{m.ChipId}", m.Text, "contact", now, ct);
            await SignalStore.ContactLeftAsync(c, tx, m.ChipId, "opt_out", m.Text, now, ct);
        }
        else if (keyword.OptIn)
            contact = await ContactStore.OptInAsync(c, tx, m.Contact, KeywordEffect.OptInReason, "contact", now, ct);
        bool replied = keyword.Reply is { } reply && await OutboxStore.EnqueueAsync(c, tx,
            new NewMessage(KeywordEffect.ReplyKey(id.Value), m.Contact, MessageKind.Reply, reply, null, now + KeywordEffect.ReplyValidity), now, ct);
        await tx.CommitAsync(ct);
        return new StoredInbound(id.Value, conversation, contact, replied);
    }

    public async Task<List<InboundMessage>> AfterAsync(long after, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd($"SELECT {Columns} FROM inbound i JOIN chips ch ON ch.id = i.chip_id WHERE i.id > @after ORDER BY i.id LIMIT @limit")
            .P("after", after).P("limit", limit);
        return await cmd.ListAsync(Read, ct);
    }

    // Claim by pushing the next try into the future (a lease); a node that dies mid-POST lets it come due again.
    const string ClaimForward = $"""
        WITH due AS MATERIALIZED (
            SELECT id FROM inbound WHERE forward_status = 'pending' AND forward_next_at <= @now ORDER BY id LIMIT @n FOR UPDATE SKIP LOCKED
        ), u AS (
            UPDATE inbound SET forward_next_at = @now + @lease, forward_attempts = forward_attempts + 1 FROM due WHERE inbound.id = due.id
            RETURNING inbound.*
        )
        SELECT {Columns}, i.forward_attempts FROM u i JOIN chips ch ON ch.id = i.chip_id ORDER BY i.id
        """;

    public async Task<List<ForwardItem>> ClaimForwardAsync(int n, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ClaimForward).P("n", n).P("lease", lease).P("now", now);
        return await cmd.ListAsync(r => new ForwardItem(Read(r), r.Get<int>("forward_attempts")), ct);
    }

    public async Task ForwardedAsync(long id, string? error, DateTimeOffset? next, bool dead, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("""
            UPDATE inbound SET forward_status = CASE WHEN @error IS NULL THEN 'forwarded' WHEN @dead THEN 'dead' ELSE 'pending' END,
                   forward_error = @error, forward_next_at = coalesce(@next, forward_next_at)
            WHERE id = @id AND forward_status = 'pending'
            """).P("id", id).Text("error", error).P("next", next).P("dead", dead);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static InboundMessage Read(NpgsqlDataReader r) => new(r.Get<long>("id"), r.Get<long>("chip_id"), r.Get<string>("chip_phone"), r.Get<string>("contact"),
        r.Get<string>("provider_message_id"), r.OptString("push_name"), r.OptString("text"), r.Get<string>("intent"),
        r.Get<DateTimeOffset>("sent_at"), r.Get<DateTimeOffset>("received_at"));
}
