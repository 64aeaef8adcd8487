using Npgsql;

namespace Julia.Storage.Console;

public sealed record ChipAttempt(long MessageId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, string? Detail);

public sealed record QueuedMessage(long Id, string Contact, string Kind, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset ExpiresAt,
                                   DateTimeOffset CreatedAt, string? LastError, string? Waiting);

public sealed record ContactMessage(long Id, DateTimeOffset At, bool Inbound, string Kind, string Status, long? ChipId, string? Text);

public sealed record HourlyActivity(DateTimeOffset Hour, int Sent, int Delivered, int Replies, int OptOuts);

/// <summary>
/// Read-only history the console shows and the API does not serve. Each statement bounds its scan by time or by
/// a LIMIT; the 24-hour activity is computed at most once a minute per node (the pool page polls).
/// </summary>
public sealed class ConsoleQueries(NpgsqlDataSource db)
{
    // One pass per table over the last 24 h, grouped by hour; hours with nothing are filled in C#.
    const string ActivitySql = """
        SELECT 'sent' AS what, date_trunc('hour', sent_at) AS h, count(*)::int AS n FROM messages WHERE sent_at >= @since GROUP BY 2
        UNION ALL
        SELECT 'delivered', date_trunc('hour', delivered_at), count(*)::int FROM messages WHERE delivered_at >= @since GROUP BY 2
        UNION ALL
        SELECT 'replies', date_trunc('hour', received_at), count(*)::int FROM inbound WHERE received_at >= @since GROUP BY 2
        UNION ALL
        SELECT 'opt_outs', date_trunc('hour', opted_out_at), count(*)::int FROM contacts WHERE opted_out_at >= @since GROUP BY 2
        """;

    (DateTimeOffset At, List<HourlyActivity> Rows)? _activity;

    public async Task<List<HourlyActivity>> ActivityAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (_activity is { } cached && now - cached.At < TimeSpan.FromMinutes(1) && now >= cached.At) return cached.Rows;
        var last = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        var first = last.AddHours(-23);
        await using var cmd = db.CreateCommand(ActivitySql).P("since", first);
        var counts = (await cmd.ListAsync(r => (r.Get<string>("what"), r.Get<DateTimeOffset>("h"), r.Get<int>("n")), ct))
            .ToDictionary(x => (x.Item1, x.Item2), x => x.Item3);
        var rows = Enumerable.Range(0, 24).Select(i => first.AddHours(i)).Select(h => new HourlyActivity(h,
            counts.GetValueOrDefault(("sent", h)), counts.GetValueOrDefault(("delivered", h)),
            counts.GetValueOrDefault(("replies", h)), counts.GetValueOrDefault(("opt_outs", h)))).ToList();
        _activity = (now, rows);
        return rows;
    }

    // The chip's latest gateway calls, newest first, on the (chip_id, finished_at) index.
    const string ChipAttemptsSql = """
        SELECT message_id, started_at, finished_at, outcome, detail FROM message_attempts
        WHERE chip_id = @chip ORDER BY finished_at DESC LIMIT @limit
        """;

    public async Task<List<ChipAttempt>> ChipAttemptsAsync(long chipId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ChipAttemptsSql).P("chip", chipId).P("limit", limit);
        return await cmd.ListAsync(r => new ChipAttempt(r.Get<long>("message_id"), r.Get<DateTimeOffset>("started_at"), r.Get<DateTimeOffset>("finished_at"),
            r.Get<string>("outcome"), r.OptString("detail")), ct);
    }

    // Waiting messages, the next due first, on the partial index of queued rows; the latest timeline entry says why and until when.
    const string QueueSql = """
        SELECT m.id, m.contact, m.kind, m.attempts, m.next_attempt_at, m.expires_at, m.created_at, m.last_error,
               (SELECT e.detail FROM message_events e WHERE e.message_id = m.id ORDER BY e.id DESC LIMIT 1) AS waiting
        FROM messages m WHERE m.status = 'queued' ORDER BY m.next_attempt_at LIMIT @limit
        """;

    public async Task<List<QueuedMessage>> QueueAsync(int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(QueueSql).P("limit", limit);
        return await cmd.ListAsync(r => new QueuedMessage(r.Get<long>("id"), r.Get<string>("contact"), r.Get<string>("kind"), r.Get<int>("attempts"),
            r.Get<DateTimeOffset>("next_attempt_at"), r.Get<DateTimeOffset>("expires_at"), r.Get<DateTimeOffset>("created_at"), r.OptString("last_error"),
            r.OptString("waiting")), ct);
    }

    // A contact's latest messages both ways, newest first (messages_contact_created and inbound_contact_at).
    const string ContactMessagesSql = """
        (SELECT id, created_at AS at, false AS inbound, kind, status, chip_id, text FROM messages
         WHERE contact = @contact ORDER BY created_at DESC LIMIT @limit)
        UNION ALL
        (SELECT id, received_at, true, 'inbound', intent, chip_id, text FROM inbound
         WHERE contact = @contact ORDER BY received_at DESC LIMIT @limit)
        ORDER BY at DESC LIMIT @limit
        """;

    public async Task<List<ContactMessage>> ContactMessagesAsync(string contact, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ContactMessagesSql).P("contact", contact).P("limit", limit);
        return await cmd.ListAsync(r => new ContactMessage(r.Get<long>("id"), r.Get<DateTimeOffset>("at"), r.Get<bool>("inbound"), r.Get<string>("kind"),
            r.Get<string>("status"), r.Opt<long>("chip_id"), r.OptString("text")), ct);
    }
}
