using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Npgsql;

namespace Julia.Storage.Outbox;

public sealed record NewMessage(string IdempotencyKey, string Contact, MessageKind Kind, string Text, DateTimeOffset? NotBefore, DateTimeOffset ExpiresAt,
                                MessageTemplate? Template = null);

/// <summary>The template a message carries beside its text: sent instead of the text by a Meta chip outside the doctor's 24-hour window.</summary>
public sealed record MessageTemplate(string Name, string Language, string[] Parameters);

public sealed record Message(long Id, string IdempotencyKey, string Contact, string Kind, string Text, string Status, long? ChipId,
    string? ProviderMessageId, long[] TriedChips, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? NotBefore,
    DateTimeOffset ExpiresAt, Guid? LeaseToken, DateTimeOffset? LeaseExpiresAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt, string? SentText = null, DateTimeOffset? InDoubtSince = null,
    MessageTemplate? Template = null)
{
    /// <summary>Claimed to ask the gateway whether its doubtful send went, not to send it.</summary>
    public bool InDoubt => InDoubtSince is not null;
}

/// <summary>A message claimed by this node; <see cref="Rescued"/> when its previous lease had expired.</summary>
public sealed record Claimed(Message Message, bool Rescued);

public sealed record TimelineEntry(DateTimeOffset At, string Status, long? ChipId, string? Detail);
public sealed record AttemptEntry(long ChipId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, string? Detail);

public sealed record Attempt(long ChipId, DateTimeOffset StartedAt, SendOutcome Outcome, string? Detail);

public enum CancelOutcome { Cancelled, NotFound, InFlight, Final }

/// <summary>What an echo of our own send (<see cref="OutboxStore.EchoAsync"/>) did.</summary>
public enum EchoOutcome
{
    /// <summary>It settled a message in doubt: sent.</summary>
    Confirmed,
    /// <summary>It names a send already recorded, or matches nothing waiting: nothing to do.</summary>
    Nothing,
    /// <summary>A send to that contact is in flight: its answer may not be recorded yet.</summary>
    InFlight,
}

/// <summary>
/// The outbound queue. Claims take due or lease-expired rows with SKIP LOCKED under a fresh lease
/// token; every completion is guarded on status = 'sending' and that token, so a node that lost its
/// lease (it was slow or presumed dead) cannot overwrite newer work: its write counts zero rows.
/// </summary>
/// <summary>A successful send to record (see <see cref="OutboxStore.SentAsync"/>).</summary>
public sealed record SentSend(long MessageId, Guid LeaseToken, long ChipId, string ProviderId, DateTimeOffset Started, DateTimeOffset Now);

public sealed class OutboxStore
{
    readonly NpgsqlDataSource db;
    readonly string node;
    readonly Batching.GroupCommit<SentSend, bool> _sent;

    public OutboxStore(NpgsqlDataSource db, string node)
    {
        (this.db, this.node) = (db, node);
        _sent = new(SentManyAsync);
    }

    const string Columns = """
        m.id, m.idempotency_key, m.contact, m.kind, m.text, m.status, m.chip_id, m.provider_message_id, m.tried_chips, m.attempts,
        m.next_attempt_at, m.not_before, m.expires_at, m.lease_token, m.lease_expires_at, m.last_error, m.created_at, m.updated_at, m.sent_at,
        m.delivered_at, m.read_at, m.sent_text, m.in_doubt_since, m.template_name, m.template_language, m.template_parameters
        """;

    // Insert-or-return: a repeated idempotency key gets the original message, never a second one.
    const string Enqueue = $"""
        WITH ins AS (
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, not_before, expires_at, created_at, updated_at,
                                  template_name, template_language, template_parameters)
            VALUES (@key, @contact, @kind, @text, 'queued', greatest(@now, coalesce(@not_before, @now)), @not_before, @expires, @now, @now,
                    @template_name, @template_language, @template_parameters)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING *
        ), ev AS (
            INSERT INTO message_events (message_id, at, status) SELECT id, @now, 'queued' FROM ins
        )
        SELECT true AS created, {Columns} FROM ins m
        """;

    const string ByKey = $"SELECT false AS created, {Columns} FROM messages m WHERE idempotency_key = @key";
    const string ById = $"SELECT {Columns} FROM messages m WHERE id = @id";

    // The claim: rows whose lease ran out (a crashed or stalled node) first, then due queued rows, oldest
    // first, then messages in doubt whose wait is over (claimed to ask the gateway about them: not an attempt, and
    // in_doubt_since stays set so the worker knows). A queued row never carries it on (a node of the previous release,
    // which does not know the column, may have requeued one it rescued). Each part walks its own partial index in order
    // and stops at @n (the later parts are read only as far as the earlier leave room), so a claim costs the same with a backlog of ten rows or a million:
    // one predicate over both (status = 'queued' ... OR status = 'sending' ...) had to fetch every due row
    // and sort them to find the oldest @n (10 ms a claim with 10,000 waiting).
    const string Claim = $"""
        WITH rescued AS MATERIALIZED (
            SELECT id FROM messages WHERE status = 'sending' AND lease_expires_at <= @now
            ORDER BY lease_expires_at LIMIT @n FOR UPDATE SKIP LOCKED
        ), queued AS MATERIALIZED (
            SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= @now
            ORDER BY next_attempt_at LIMIT @n FOR UPDATE SKIP LOCKED
        ), doubted AS MATERIALIZED (
            SELECT id FROM messages WHERE status = 'in_doubt' AND next_attempt_at <= @now
            ORDER BY next_attempt_at LIMIT @n FOR UPDATE SKIP LOCKED
        ), due AS (
            (SELECT id, true AS rescued FROM rescued UNION ALL SELECT id, false FROM queued
             UNION ALL SELECT id, false FROM doubted) LIMIT @n
        )
        UPDATE messages m SET status = 'sending', lease_owner = @node, lease_token = gen_random_uuid(),
               lease_expires_at = @now + @lease, updated_at = @now,
               attempts = m.attempts + CASE WHEN m.status = 'queued' OR m.in_doubt_since IS NULL THEN 1 ELSE 0 END,
               in_doubt_since = CASE WHEN m.status = 'queued' THEN NULL ELSE m.in_doubt_since END
        FROM due WHERE m.id = due.id
        RETURNING due.rescued, {Columns}
        """;

    // Every completion below is fenced on (status = 'sending', lease_token) and writes its timeline
    // entry in the same statement.
    const string Finish = """
        WITH m AS (
            UPDATE messages SET status = @status, chip_id = coalesce(@chip, chip_id), provider_message_id = coalesce(@pid, provider_message_id),
                   last_error = @error, in_doubt_since = NULL,
                   lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND status = 'sending' AND lease_token = @token
            RETURNING id
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id, detail) SELECT id, @now, @status, @chip, @error FROM m
        )
        SELECT count(*) FROM m
        """;

    // The common case, for every send that finished together (GroupCommit) in one statement: each is
    // recorded (fenced on its own lease) with its timeline entry, and its attempt logged. (The chip's
    // breaker counts the success through the chip's grain.)
    static readonly PositionalSql Sent = new("""
        WITH d AS (
            SELECT * FROM unnest(@ids::bigint[], @tokens::uuid[], @chips::bigint[], @pids::text[], @started::timestamptz[], @at::timestamptz[])
                AS d(id, token, chip, pid, started, at)
        ), m AS (
            UPDATE messages SET status = 'sent', chip_id = d.chip, provider_message_id = d.pid, sent_at = d.at, last_error = NULL,
                   lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = d.at
            FROM d
            WHERE messages.id = d.id AND messages.status = 'sending' AND messages.lease_token = d.token
            RETURNING messages.id, d.chip, d.at
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id) SELECT id, at, 'sent', chip FROM m
        ), a AS (
            INSERT INTO message_attempts (message_id, chip_id, lease_token, started_at, finished_at, outcome)
            SELECT id, chip, token, started, at, 'sent' FROM d
        )
        SELECT id FROM m
        """);

    const string Requeue = """
        WITH m AS (
            UPDATE messages SET status = 'queued', next_attempt_at = @at, last_error = @error,
                   tried_chips = CASE WHEN @exclude_chip IS NULL THEN tried_chips ELSE array_append(tried_chips, @exclude_chip) END,
                   attempts = CASE WHEN @count_attempt THEN attempts ELSE attempts - 1 END, in_doubt_since = NULL,
                   lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND status = 'sending' AND lease_token = @token
            RETURNING id
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id, detail) SELECT id, @now, 'queued', @exclude_chip, coalesce(@detail, @error) FROM m
                WHERE @log
        )
        SELECT count(*) FROM m
        """;

    const string RecordAttempt = """
        INSERT INTO message_attempts (message_id, chip_id, lease_token, started_at, finished_at, outcome, detail)
        VALUES (@id, @chip, @token, @started, @now, @outcome, @detail)
        """;

    // A send the gateway did not answer: kept with the chip and the text it went with, claimable again (to ask the gateway)
    // at @at. Asked and still unknown, it comes back here with its first in_doubt_since.
    const string InDoubt = """
        WITH m AS (
            UPDATE messages SET status = 'in_doubt', chip_id = @chip, sent_text = coalesce(@text, sent_text),
                   in_doubt_since = coalesce(in_doubt_since, @since), next_attempt_at = @at, last_error = @error,
                   lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND status = 'sending' AND lease_token = @token
            RETURNING id
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id, detail) SELECT id, @now, 'in_doubt', @chip, coalesce(@detail, @error) FROM m
                WHERE @log
        )
        SELECT count(*) FROM m
        """;

    // The gateway, asked, names the send: sent when it was handed over, with the gateway's id (so later receipts apply). An id
    // another message already holds (two alike in doubt, the other settled by this echo) is not taken twice: it stays without one.
    const string Confirm = """
        WITH m AS (
            UPDATE messages SET status = 'sent', sent_at = coalesce(in_doubt_since, @now), in_doubt_since = NULL,
                   provider_message_id = CASE WHEN EXISTS (SELECT 1 FROM messages o WHERE o.chip_id = messages.chip_id AND o.provider_message_id = @pid)
                                              THEN NULL ELSE @pid END,
                   last_error = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND status = 'sending' AND lease_token = @token
            RETURNING id, chip_id
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id, detail) SELECT id, @now, 'sent', chip_id, @detail FROM m
        )
        SELECT count(*) FROM m
        """;

    // The gateway's echo of a send from @chip to @contact: a message in doubt from that chip to that contact with that text
    // (the oldest, if two) is sent. An id already recorded is our answered send echoed back (the common case), not this one's.
    // Otherwise a send to that contact still in flight may be the one echoed, its answer not yet recorded: the caller waits.
    const string Echo = """
        WITH known AS (
            SELECT EXISTS (SELECT 1 FROM messages WHERE chip_id = @chip AND provider_message_id = @pid) AS known
        ), target AS (
            SELECT id FROM messages, known
            WHERE NOT known.known AND chip_id = @chip AND contact = @contact AND status = 'in_doubt' AND btrim(sent_text) = btrim(@text)
            ORDER BY in_doubt_since, id LIMIT 1 FOR UPDATE OF messages SKIP LOCKED
        ), m AS (
            UPDATE messages SET status = 'sent', provider_message_id = @pid, sent_at = in_doubt_since, in_doubt_since = NULL, last_error = NULL,
                   updated_at = @now
            FROM target WHERE messages.id = target.id AND messages.status = 'in_doubt'
            RETURNING messages.id
        ), ev AS (
            INSERT INTO message_events (message_id, at, status, chip_id, detail)
            SELECT id, @now, 'sent', @chip, 'confirmed by the gateway''s echo of the send' FROM m
        )
        SELECT (SELECT count(*) FROM m) AS confirmed, (SELECT known FROM known) AS known,
               EXISTS (SELECT 1 FROM messages WHERE contact = @contact AND status = 'sending') AS in_flight
        """;

    const string Cancel = """
        WITH m AS (
            UPDATE messages SET status = 'cancelled', updated_at = @now WHERE id = @id AND status = 'queued' RETURNING id
        ), ev AS (INSERT INTO message_events (message_id, at, status) SELECT id, @now, 'cancelled' FROM m)
        SELECT (SELECT count(*) FROM m) AS cancelled, (SELECT status FROM messages WHERE id = @id) AS status
        """;

    // How a gateway's status names its send: by the gateway's id, or (Meta) by our message id echoed back (@ours, null for
    // Evolution). Known: a send still in 'sending' is not recorded yet, so what names it waits.
    const string OfSend = "chip_id = @chip AND (provider_message_id = @pid OR id = @ours)";
    const string Known = "chip_id = @chip AND (provider_message_id = @pid OR (id = @ours AND status <> 'sending'))";

    // Receipts only move a message forward (sent < delivered < read); read implies delivered. Our id echoed back lets a
    // status correlate even when the send's answer was lost.
    // A message in doubt is settled by its receipt (Meta's status names our id): it went, so it takes the gateway's id and the
    // time it was handed over.
    const string Receipt = $"""
        WITH m AS (
            UPDATE messages SET status = @status, provider_message_id = coalesce(provider_message_id, @pid),
                   sent_at = coalesce(sent_at, in_doubt_since), in_doubt_since = NULL,
                   delivered_at = CASE WHEN @status IN ('delivered', 'read') THEN coalesce(delivered_at, @at) ELSE delivered_at END,
                   read_at = CASE WHEN @status = 'read' THEN coalesce(read_at, @at) ELSE read_at END,
                   updated_at = @now
            WHERE {OfSend}
              AND status IN ('in_doubt', 'sent', 'delivered', 'read')
              AND (CASE status WHEN 'in_doubt' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 END) < @rank
            RETURNING id
        ), ev AS (INSERT INTO message_events (message_id, at, status, chip_id) SELECT id, @at, @status, @chip FROM m)
        SELECT (SELECT count(*) FROM m) AS moved,
               EXISTS (SELECT 1 FROM messages WHERE {Known}) AS known
        """;

    // A gateway ERROR receipt fails a message that was not yet delivered, with the gateway's reason when it gives one.
    const string ErrorReceipt = $"""
        WITH m AS (
            UPDATE messages SET status = 'failed', last_error = coalesce(@error, 'gateway reported ERROR'), in_doubt_since = NULL, updated_at = @now
            WHERE {OfSend} AND status IN ('in_doubt', 'sent')
            RETURNING id
        ), ev AS (INSERT INTO message_events (message_id, at, status, chip_id, detail)
            SELECT id, @at, 'failed', @chip, coalesce(@error, 'ERROR receipt') FROM m)
        SELECT (SELECT count(*) FROM m) AS moved,
               EXISTS (SELECT 1 FROM messages WHERE {Known}) AS known
        """;

    // Meta refused the message's text with 131047 (by its reckoning the doctor's window was closed): a message that carries a
    // template, and has time left, goes again as that template (the contact's window is closed first, so its next send picks the
    // template). Only once the failure itself is applied: a failure applied after the new send would otherwise find it by our id.
    const string Replan = $"""
        WITH m AS (
            UPDATE messages SET status = 'queued', sent_at = NULL, next_attempt_at = @now, last_error = @detail, updated_at = @now
            WHERE {OfSend} AND status = 'failed'
              AND template_name IS NOT NULL AND expires_at > @now
            RETURNING id
        ), ev AS (INSERT INTO message_events (message_id, at, status, chip_id, detail) SELECT id, @now, 'queued', @chip, @detail FROM m)
        SELECT (SELECT count(*) FROM m) AS moved,
               NOT EXISTS (SELECT 1 FROM messages WHERE {Known} AND status NOT IN ('in_doubt', 'sent')) AS unsettled
        """;

    /// <summary>
    /// The text Meta refused with 131047 goes again as the message's template (Moved); not when it has none (it stays failed).
    /// Unsettled: the send is not recorded yet, or its failure not applied to it (Meta can answer before either), so this waits.
    /// </summary>
    public async Task<(bool Moved, bool Unsettled)> ReplanAsTemplateAsync(long chipId, string providerId, long? ours, DateTimeOffset now,
                                                                        CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Replan).P("chip", chipId).P("pid", providerId).Long("ours", ours).P("now", now)
            .P("detail", "131047: Meta holds the doctor's window closed; sent again as its template");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.Get<long>("moved") > 0, r.Get<bool>("unsettled"));
    }

    public async Task<(Message Message, bool Created)> EnqueueAsync(NewMessage m, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        for (int i = 0; i < 3; i++)
        {
            await using (var cmd = c.Cmd(Enqueue).P("key", m.IdempotencyKey).P("contact", m.Contact).P("kind", m.Kind.ToWire()).P("text", m.Text)
                             .P("now", now).P("not_before", m.NotBefore).P("expires", m.ExpiresAt).Template(m.Template))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                if (await r.ReadAsync(ct)) return (Read(r), true);
            await using (var cmd = c.Cmd(ByKey).P("key", m.IdempotencyKey))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                if (await r.ReadAsync(ct)) return (Read(r), false);
            // The other insert of this key has not committed yet: look again.
        }
        throw new InvalidOperationException("idempotency key race did not settle");
    }

    /// <summary>
    /// Queues a message inside the caller's transaction (a keyword's confirmation is written with the message that
    /// asked for it); false when its key was queued before.
    /// </summary>
    internal static async Task<bool> EnqueueAsync(NpgsqlConnection c, NpgsqlTransaction tx, NewMessage m, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = c.Cmd(Enqueue, tx).P("key", m.IdempotencyKey).P("contact", m.Contact).P("kind", m.Kind.ToWire()).P("text", m.Text)
            .P("now", now).P("not_before", m.NotBefore).P("expires", m.ExpiresAt).Template(m.Template);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct);
    }

    public async Task<Message?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(ById).P("id", id);
        return await cmd.FirstAsync(Read, ct);
    }

    public async Task<(List<TimelineEntry>, List<AttemptEntry>)> HistoryAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var ev = c.Cmd("SELECT at, status, chip_id, detail FROM message_events WHERE message_id = @id ORDER BY id").P("id", id);
        var timeline = await ev.ListAsync(r => new TimelineEntry(r.Get<DateTimeOffset>("at"), r.Get<string>("status"), r.Opt<long>("chip_id"),
            r.OptString("detail")), ct);
        await using var at = c.Cmd("SELECT chip_id, started_at, finished_at, outcome, detail FROM message_attempts WHERE message_id = @id ORDER BY id")
            .P("id", id);
        var attempts = await at.ListAsync(r => new AttemptEntry(r.Get<long>("chip_id"), r.Get<DateTimeOffset>("started_at"),
            r.Get<DateTimeOffset>("finished_at"),
            r.Get<string>("outcome"), r.OptString("detail")), ct);
        return (timeline, attempts);
    }

    public async Task<List<Claimed>> ClaimAsync(int n, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Claim).P("n", n).P("node", node).P("now", now).P("lease", lease);
        return await cmd.ListAsync(r => new Claimed(Read(r), r.Get<bool>("rescued")), ct);
    }

    /// <summary>A terminal status other than sent (see <see cref="SentAsync"/>); false when the lease was lost.</summary>
    public async Task<bool> FinishAsync(Message m, string status, long? chipId, string? providerId, string? error, Attempt? attempt,
                                        DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (attempt is not null) await AddAttemptAsync(c, tx, m, attempt, now, ct);
        await using var cmd = c.Cmd(Finish, tx).P("id", m.Id).P("token", m.LeaseToken!.Value).P("status", status).Long("chip", chipId)
            .Text("pid", providerId).Text("error", error).P("now", now);
        var done = (long)(await cmd.ExecuteScalarAsync(ct))! == 1;
        await tx.CommitAsync(ct);
        return done;
    }

    /// <summary>
    /// Records a successful send, durably before it returns; false when the lease was lost. Sends finishing
    /// together share one statement and one commit.
    /// </summary>
    public Task<bool> SentAsync(Message m, long chipId, string providerId, DateTimeOffset started, DateTimeOffset now, CancellationToken ct) =>
        _sent.WriteAsync(new SentSend(m.Id, m.LeaseToken!.Value, chipId, providerId, started, now), ct);

    async Task<bool[]> SentManyAsync(IReadOnlyList<SentSend> sends)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = c.CreateCommand()
            .P("ids", sends.Select(s => s.MessageId).ToArray()).P("tokens", sends.Select(s => s.LeaseToken).ToArray())
            .P("chips", sends.Select(s => s.ChipId).ToArray()).P("pids", sends.Select(s => s.ProviderId).ToArray())
            .P("started", sends.Select(s => s.Started).ToArray()).P("at", sends.Select(s => s.Now).ToArray())
            .Positional(Sent);
        var done = (await cmd.ListAsync(r => r.GetInt64(0), CancellationToken.None)).ToHashSet();
        return sends.Select(s => done.Contains(s.MessageId)).ToArray();
    }

    /// <summary>
    /// Back to the queue for another try at <paramref name="at"/>; optionally never on <paramref name="excludeChip"/> again.
    /// The timeline gets an entry (with <paramref name="detail"/>, or the error) only when <paramref name="log"/>.
    /// </summary>
    public async Task<bool> RequeueAsync(Message m, DateTimeOffset at, long? excludeChip, string? error, Attempt? attempt, bool countAttempt,
                                         DateTimeOffset now, CancellationToken ct, bool log = true, string? detail = null)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (attempt is not null) await AddAttemptAsync(c, tx, m, attempt, now, ct);
        await using var cmd = c.Cmd(Requeue, tx).P("id", m.Id).P("token", m.LeaseToken!.Value).P("at", at).Long("exclude_chip", excludeChip)
            .Text("error", error).P("count_attempt", countAttempt).P("now", now).P("log", log).Text("detail", detail);
        var done = (long)(await cmd.ExecuteScalarAsync(ct))! == 1;
        await tx.CommitAsync(ct);
        return done;
    }

    /// <summary>
    /// In doubt until <paramref name="at"/>, kept with the chip and the text sent (<paramref name="sentText"/>; null keeps the
    /// text of the first doubtful send) and the time it started; false when the lease was lost.
    /// </summary>
    public async Task<bool> InDoubtAsync(Message m, long chipId, string? sentText, DateTimeOffset since, DateTimeOffset at, string? error, Attempt? attempt,
                                         DateTimeOffset now, CancellationToken ct, bool log = true, string? detail = null)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (attempt is not null) await AddAttemptAsync(c, tx, m, attempt, now, ct);
        await using var cmd = c.Cmd(InDoubt, tx).P("id", m.Id).P("token", m.LeaseToken!.Value).P("chip", chipId).Text("text", sentText)
            .P("since", since).P("at", at).Text("error", error).P("now", now).P("log", log).Text("detail", detail);
        var done = (long)(await cmd.ExecuteScalarAsync(ct))! == 1;
        await tx.CommitAsync(ct);
        return done;
    }

    /// <summary>A message in doubt that the gateway, asked, names as sent (<paramref name="providerId"/>); false when the lease was lost.</summary>
    public async Task<bool> ConfirmAsync(Message m, string providerId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Confirm).P("id", m.Id).P("token", m.LeaseToken!.Value).P("pid", providerId)
            .P("detail", "confirmed by the gateway when asked").P("now", now);
        return (long)(await cmd.ExecuteScalarAsync(ct))! == 1;
    }

    /// <summary>
    /// The gateway's echo of a send of <paramref name="text"/> from chip <paramref name="chipId"/> to <paramref name="contact"/>,
    /// with its id: settles the message in doubt it matches (<see cref="EchoOutcome.Confirmed"/>).
    /// </summary>
    public async Task<EchoOutcome> EchoAsync(long chipId, string contact, string providerId, string? text, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Echo).P("chip", chipId).P("contact", contact).P("pid", providerId).P("text", text ?? "").P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.Get<long>("confirmed") > 0 ? EchoOutcome.Confirmed
            : !r.Get<bool>("known") && r.Get<bool>("in_flight") ? EchoOutcome.InFlight
            : EchoOutcome.Nothing;
    }

    static async Task AddAttemptAsync(NpgsqlConnection c, NpgsqlTransaction tx, Message m, Attempt a, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = c.Cmd(RecordAttempt, tx).P("id", m.Id).P("chip", a.ChipId).P("token", m.LeaseToken!.Value)
            .P("started", a.StartedAt).P("now", now).P("outcome", a.Outcome.ToWire()).Text("detail", a.Detail);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<(CancelOutcome, string? Status)> CancelAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Cancel).P("id", id).P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var status = r.OptString("status");
        if (r.Get<long>("cancelled") == 1) return (CancelOutcome.Cancelled, "cancelled");
        return status switch
        {
            null => (CancelOutcome.NotFound, null),
            // In doubt it may have gone: only the gateway's word settles it.
            "sending" or "in_doubt" => (CancelOutcome.InFlight, status),
            _ => (CancelOutcome.Final, status),
        };
    }

    /// <summary>
    /// Applies a delivery receipt, found by the gateway's id or by <paramref name="ours"/> (our message id, when the gateway echoes
    /// it); <paramref name="error"/> is a failure's reason. Returns (moved, known): unknown means the send is not recorded yet.
    /// </summary>
    public async Task<(bool Moved, bool Known)> ReceiptAsync(long chipId, string providerId, string status, DateTimeOffset at,
                                                              DateTimeOffset now, CancellationToken ct, long? ours = null, string? error = null)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = status == "failed"
            ? c.Cmd(ErrorReceipt).P("chip", chipId).P("pid", providerId).Long("ours", ours).Text("error", error).P("at", at).P("now", now)
            : c.Cmd(Receipt).P("chip", chipId).P("pid", providerId).Long("ours", ours).P("status", status).P("rank", MessageStatus.Rank(status)).P("at", at)
                .P("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.Get<long>("moved") > 0, r.Get<bool>("known"));
    }

    static Message Read(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<string>("idempotency_key"), r.Get<string>("contact"), r.Get<string>("kind"), r.Get<string>("text"),
        r.Get<string>("status"), r.Opt<long>("chip_id"), r.OptString("provider_message_id"), r.Get<long[]>("tried_chips"),
        r.Get<int>("attempts"), r.Get<DateTimeOffset>("next_attempt_at"), r.Opt<DateTimeOffset>("not_before"), r.Get<DateTimeOffset>("expires_at"),
        r.Opt<Guid>("lease_token"), r.Opt<DateTimeOffset>("lease_expires_at"), r.OptString("last_error"), r.Get<DateTimeOffset>("created_at"),
        r.Get<DateTimeOffset>("updated_at"),
        r.Opt<DateTimeOffset>("sent_at"), r.Opt<DateTimeOffset>("delivered_at"), r.Opt<DateTimeOffset>("read_at"), r.OptString("sent_text"),
        r.Opt<DateTimeOffset>("in_doubt_since"),
        r.OptString("template_name") is { } name
            ? new MessageTemplate(name, r.Get<string>("template_language"),
                r.IsDBNull(r.GetOrdinal("template_parameters")) ? [] : r.Get<string[]>("template_parameters"))
            : null);
}

static class TemplateParameters
{
    public static NpgsqlCommand Template(this NpgsqlCommand cmd, MessageTemplate? t)
    {
        cmd.Text("template_name", t?.Name).Text("template_language", t?.Language);
        cmd.Parameters.Add(new NpgsqlParameter("template_parameters", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        {
            Value = (object?)t?.Parameters ?? DBNull.Value
        });
        return cmd;
    }
}
