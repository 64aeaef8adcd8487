using System.Text.Json;
using Npgsql;

namespace Julia.Storage.Inbox;

/// <summary>A webhook to keep: <paramref name="Ignored"/> says why we will not act on it (null: to apply).</summary>
public sealed record NewInboxEvent(string DedupeKey, string Source, string Event, long? ChipId, string Payload, DateTimeOffset ReceivedAt, string? Ignored);

public sealed record InboxItem(long Id, string Source, string Event, long? ChipId, JsonElement Payload, int Attempts, Guid ClaimToken,
    DateTimeOffset ReceivedAt);
public sealed record StoredEvent(long Id, string Source, string Event, long? ChipId, DateTimeOffset ReceivedAt, int Attempts, string? Error,
    JsonElement Payload);

/// <summary>
/// The webhook inbox. A webhook is answered only after its row is committed; the dedupe key makes a
/// redelivery a no-op. Processing claims rows under a token; finishing is fenced on it. Handlers are
/// idempotent, so an event applied by a node that then died before marking it is safely applied again.
/// </summary>
public sealed class InboxStore
{
    readonly NpgsqlDataSource db;
    readonly Batching.GroupCommit<NewInboxEvent, bool> _adds;

    public InboxStore(NpgsqlDataSource db)
    {
        this.db = db;
        _adds = new(AddManyAsync);
    }

    // Webhooks in one statement (those arriving together share it: GroupCommit); the keys stored now come back. An event we will
    // not act on is kept as 'ignored' with the reason, so nothing valid is dropped unseen.
    static readonly PositionalSql InsertMany = new("""
        INSERT INTO inbox (dedupe_key, source, event, chip_id, payload, received_at, status, next_attempt_at, error)
        SELECT k, s, e, c, p::jsonb, n, CASE WHEN i IS NULL THEN 'pending' ELSE 'ignored' END, n, i
        FROM unnest(@keys::text[], @sources::text[], @events::text[], @chips::bigint[], @payloads::text[], @at::timestamptz[], @ignored::text[])
             AS t(k, s, e, c, p, n, i)
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING dedupe_key
        """);

    // Expired claims (a node died mid-event) first, then pending events in arrival order; each part walks its
    // own partial index and stops at @n, so a claim costs the same whatever the backlog (as the outbox's).
    const string Claim = """
        WITH rescued AS MATERIALIZED (
            SELECT id FROM inbox WHERE status = 'processing' AND claim_expires_at <= @now
            ORDER BY claim_expires_at LIMIT @n FOR UPDATE SKIP LOCKED
        ), pending AS MATERIALIZED (
            SELECT id FROM inbox WHERE status = 'pending' AND next_attempt_at <= @now
            ORDER BY id LIMIT @n FOR UPDATE SKIP LOCKED
        ), due AS (
            (SELECT id FROM rescued UNION ALL SELECT id FROM pending) LIMIT @n
        )
        UPDATE inbox i SET status = 'processing', claim_token = gen_random_uuid(), claim_expires_at = @now + @lease, attempts = i.attempts + 1
        FROM due WHERE i.id = due.id
        RETURNING i.id, i.source, i.event, i.chip_id, i.payload::text AS payload, i.attempts, i.claim_token, i.received_at
        """;

    const string Applied = """
        UPDATE inbox SET status = 'applied', applied_at = @now, claim_token = NULL, claim_expires_at = NULL, error = NULL
        WHERE id = @id AND status = 'processing' AND claim_token = @token
        """;

    const string Failed = """
        UPDATE inbox SET status = CASE WHEN @dead THEN 'dead' ELSE 'pending' END, next_attempt_at = @next, error = @error,
               claim_token = NULL, claim_expires_at = NULL
        WHERE id = @id AND status = 'processing' AND claim_token = @token
        """;

    // Ignored events are kept a week for operators to look at, then deleted in small batches.
    const string Prune = """
        DELETE FROM inbox WHERE id IN (
            SELECT id FROM inbox WHERE status = 'ignored' AND received_at < @before ORDER BY received_at LIMIT @n)
        """;

    // Apply found nothing to do: kept with the reason.
    const string Ignored = """
        UPDATE inbox SET status = 'ignored', error = @reason, claim_token = NULL, claim_expires_at = NULL
        WHERE id = @id AND status = 'processing' AND claim_token = @token
        """;

    // A doctor's message whose sender is known only by LID waits for that LID's phone, unless the pair
    // was learnt since the event looked (then it goes straight back to the queue). Under the LID's lock.
    const string Hold = """
        UPDATE inbox SET status = CASE WHEN k.known THEN 'pending' ELSE 'held' END,
               held_for = CASE WHEN k.known THEN NULL ELSE @lid END,
               error = CASE WHEN k.known THEN NULL ELSE @reason END,
               next_attempt_at = @now, claim_token = NULL, claim_expires_at = NULL
        FROM (SELECT EXISTS (SELECT 1 FROM lid_phones WHERE lid = @lid) AS known) k
        WHERE id = @id AND status = 'processing' AND claim_token = @token
        """;

    const string Replay = """
        UPDATE inbox SET status = 'pending', attempts = 0, next_attempt_at = @now, error = NULL WHERE id = @id AND status = 'dead' RETURNING 1
        """;

    /// <summary>
    /// Stores a webhook, durably before it returns: true when stored now, false when the same event (its
    /// dedupe key) was stored before. Webhooks arriving together share one statement and one commit.
    /// </summary>
    public Task<bool> AddAsync(NewInboxEvent e, CancellationToken ct) => _adds.WriteAsync(e, ct);

    /// <summary>Stores the events in one statement; for each, whether it was stored now (a key twice in the list: the first).</summary>
    async Task<bool[]> AddManyAsync(IReadOnlyList<NewInboxEvent> events)
    {
        var ct = CancellationToken.None;
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.CreateCommand()
            .P("keys", events.Select(e => e.DedupeKey).ToArray()).P("sources", events.Select(e => e.Source).ToArray())
            .P("events", events.Select(e => e.Event).ToArray()).P("chips", events.Select(e => e.ChipId).ToArray())
            .P("payloads", events.Select(e => e.Payload).ToArray()).P("at", events.Select(e => e.ReceivedAt).ToArray())
            .P("ignored", events.Select(e => e.Ignored).ToArray())
            .Positional(InsertMany);
        var stored = (await cmd.ListAsync(r => r.GetString(0), ct)).ToHashSet();
        return events.Select(e => stored.Remove(e.DedupeKey)).ToArray();
    }

    public async Task<List<InboxItem>> ClaimAsync(int n, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Claim).P("n", n).P("lease", lease).P("now", now);
        return await cmd.ListAsync(r => new InboxItem(r.Get<long>("id"), r.Get<string>("source"), r.Get<string>("event"), r.Opt<long>("chip_id"),
            JsonDocument.Parse(r.Get<string>("payload")).RootElement.Clone(), r.Get<int>("attempts"), r.Get<Guid>("claim_token"),
            r.Get<DateTimeOffset>("received_at")), ct);
    }

    public async Task<bool> AppliedAsync(InboxItem item, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Applied).P("id", item.Id).P("token", item.ClaimToken).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> FailedAsync(InboxItem item, string error, DateTimeOffset next, bool dead, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Failed).P("id", item.Id).P("token", item.ClaimToken).P("error", error[..Math.Min(error.Length, 1000)])
            .P("next", next).P("dead", dead);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> IgnoredAsync(InboxItem item, string reason, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Ignored).P("id", item.Id).P("token", item.ClaimToken).P("reason", reason);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> HoldAsync(InboxItem item, string lid, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var l = c.Cmd(LidStore.Lock, tx).P("lid", lid)) await l.ExecuteNonQueryAsync(ct);
        bool done;
        await using (var cmd = c.Cmd(Hold, tx).P("id", item.Id).P("token", item.ClaimToken).P("lid", lid).P("reason", reason).P("now", now))
            done = await cmd.ExecuteNonQueryAsync(ct) == 1;
        await tx.CommitAsync(ct);
        return done;
    }

    /// <summary>Deletes up to <paramref name="batch"/> ignored events received before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneIgnoredAsync(DateTimeOffset before, int batch, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Prune).P("before", before).P("n", batch);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Events in one state ('dead' or 'held'), newest first.</summary>
    public async Task<List<StoredEvent>> ListAsync(string status, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT id, source, event, chip_id, received_at, attempts, error, payload::text AS payload FROM inbox "
                + "WHERE status = @status ORDER BY id DESC LIMIT @limit")
            .P("status", status).P("limit", limit);
        return await cmd.ListAsync(r => new StoredEvent(r.Get<long>("id"), r.Get<string>("source"), r.Get<string>("event"), r.Opt<long>("chip_id"),
            r.Get<DateTimeOffset>("received_at"), r.Get<int>("attempts"), r.OptString("error"),
            JsonDocument.Parse(r.Get<string>("payload")).RootElement.Clone()), ct);
    }

    /// <summary>True when a dead event was put back in the queue; null when there is no such event at all.</summary>
    public async Task<bool?> ReplayAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using (var cmd = c.Cmd(Replay).P("id", id).P("now", now))
            if (await cmd.ExecuteScalarAsync(ct) is not null) return true;
        await using var exists = c.Cmd("SELECT 1 FROM inbox WHERE id = @id").P("id", id);
        return await exists.ExecuteScalarAsync(ct) is null ? null : false;
    }
}
