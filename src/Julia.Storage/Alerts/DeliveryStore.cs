using Julia.Domain.Alerts;
using Npgsql;

namespace Julia.Storage.Alerts;

/// <summary>A notice claimed for sending, with the alert it is about.</summary>
public sealed record ClaimedNotice(long Id, long AlertId, string Channel, bool Resolved, int Attempts, Guid Token,
                                   string AlertKind, string Severity, string Subject, string Message);

/// <summary>A channel's health as its deliveries show it.</summary>
public sealed record ChannelState(DateTimeOffset? LastSentAt, DateTimeOffset? FailingSince, string? LastError);

/// <summary>
/// The notices per channel (alert_deliveries; states in sql/0014_alert_delivery.sql). Each channel's notices are
/// claimed under a lease with FOR UPDATE SKIP LOCKED, so two nodes never send one notice at once, and completed only
/// by the holder of the claim token. A channel's rows are claimed apart from every other channel's, so a channel
/// that is down holds up nothing but itself.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource db)
{
    // A 'raised' notice for every alert within the horizon this channel has not got yet; a channel does not
    // carry the alert about its own failure. A 'resolved' notice only where the channel announced the alert.
    const string Enqueue = """
        WITH raised AS (
            INSERT INTO alert_deliveries (alert_id, channel, kind, status, next_attempt_at, created_at)
            SELECT a.id, @channel, 'raised', 'pending', @now, @now FROM alerts a
            WHERE a.at >= @now - @horizon AND NOT (a.kind = @failing_kind AND a.subject = @failing_subject)
              AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = a.id AND d.channel = @channel AND d.kind = 'raised')
            ORDER BY a.id
            ON CONFLICT (alert_id, channel, kind) DO NOTHING
            RETURNING 1
        ), resolved AS (
            INSERT INTO alert_deliveries (alert_id, channel, kind, status, next_attempt_at, created_at)
            SELECT d.alert_id, @channel, 'resolved', 'pending', @now, @now
            FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE d.channel = @channel AND d.kind = 'raised' AND d.status = 'sent' AND a.resolved_at >= @now - @horizon
              AND NOT EXISTS (SELECT 1 FROM alert_deliveries r WHERE r.alert_id = d.alert_id AND r.channel = @channel AND r.kind = 'resolved')
            ORDER BY d.alert_id
            ON CONFLICT (alert_id, channel, kind) DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM raised) + (SELECT count(*) FROM resolved)
        """;

    // Due notices of one channel, and notices whose claimant's lease ran out (it died mid-send), oldest first.
    const string Claim = """
        WITH due AS MATERIALIZED (
            SELECT id FROM alert_deliveries
            WHERE channel = @channel
              AND ((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND claim_expires_at <= @now))
            ORDER BY next_attempt_at, id
            LIMIT @n
            FOR UPDATE SKIP LOCKED
        )
        UPDATE alert_deliveries d
        SET status = 'sending', attempts = d.attempts + 1, claim_token = gen_random_uuid(), claim_expires_at = @now + @lease
        FROM due, alerts a
        WHERE d.id = due.id AND a.id = d.alert_id
        RETURNING d.id, d.alert_id, d.channel, d.kind, d.attempts, d.claim_token, a.kind AS alert_kind, a.severity, a.subject, a.message
        """;

    const string Sent = """
        UPDATE alert_deliveries
        SET status = 'sent', sent_at = @now, claim_token = NULL, claim_expires_at = NULL, failing_since = NULL, last_error = NULL
        WHERE id = @id AND status = 'sending' AND claim_token = @token
        """;

    const string Failed = """
        UPDATE alert_deliveries
        SET status = CASE WHEN @give_up THEN 'failed' ELSE 'pending' END, next_attempt_at = @next, last_error = @error,
            failing_since = coalesce(failing_since, @now), claim_token = NULL, claim_expires_at = NULL
        WHERE id = @id AND status = 'sending' AND claim_token = @token
        """;

    // The current run of failures is the notices that began failing after the channel's last successful send.
    const string State = """
        WITH s AS (SELECT max(sent_at) AS last_sent FROM alert_deliveries WHERE channel = @channel)
        SELECT s.last_sent,
               (SELECT min(d.failing_since) FROM alert_deliveries d
                WHERE d.channel = @channel AND d.status <> 'sent' AND d.failing_since > coalesce(s.last_sent, '-infinity')) AS failing_since,
               (SELECT d.last_error FROM alert_deliveries d
                WHERE d.channel = @channel AND d.status <> 'sent' AND d.last_error IS NOT NULL ORDER BY d.next_attempt_at DESC LIMIT 1) AS last_error
        FROM s
        """;

    public async Task<int> EnqueueAsync(string channel, TimeSpan horizon, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Enqueue).P("channel", channel).P("horizon", horizon).P("now", now)
            .P("failing_kind", AlertKinds.NotifierFailing).P("failing_subject", AlertKinds.Channel(channel));
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<ClaimedNotice>> ClaimAsync(string channel, int n, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Claim).P("channel", channel).P("n", n).P("lease", lease).P("now", now);
        var list = await cmd.ListAsync(r => new ClaimedNotice(r.Get<long>("id"), r.Get<long>("alert_id"), r.Get<string>("channel"),
            r.Get<string>("kind") == "resolved", r.Get<int>("attempts"), r.Get<Guid>("claim_token"), r.Get<string>("alert_kind"),
            r.Get<string>("severity"), r.Get<string>("subject"), r.Get<string>("message")), ct);
        return [.. list.OrderBy(x => x.Id)];
    }

    /// <summary>False when the claim was lost (the lease ran out and another node took the notice).</summary>
    public async Task<bool> SentAsync(ClaimedNotice n, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Sent).P("id", n.Id).P("token", n.Token).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> FailedAsync(ClaimedNotice n, string error, DateTimeOffset next, bool giveUp, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Failed).P("id", n.Id).P("token", n.Token).P("error", error).P("next", next).P("give_up", giveUp).P("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ChannelState> StateAsync(string channel, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(State).P("channel", channel);
        return (await cmd.FirstAsync(r => new ChannelState(r.Opt<DateTimeOffset>("last_sent"), r.Opt<DateTimeOffset>("failing_since"),
            r.OptString("last_error")), ct))!;
    }
}
