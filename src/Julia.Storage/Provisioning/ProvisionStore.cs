using Julia.Domain.Alerts;
using Julia.Storage.Alerts;
using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Provisioning;

/// <summary>A provisioning request as operators see it (no secrets, the phone masked).</summary>
public sealed record ProvisionRequest(long Id, DateOnly Day, int Seq, DateTimeOffset RequestedAt, string RequestedBy, string Reason, int? Ddd,
                                      string Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, long? ChipId,
                                      string? PhoneMasked, DateTimeOffset? FinishedAt);

/// <summary>A claimed request with what its earlier attempts already did (the worker skips those steps).</summary>
public sealed record ProvisionClaim(long Id, Guid Token, int Attempts, int? Ddd, string Reason, string? NumberId, string? Phone,
                                    string Instance, string InstanceToken, string WebhookSecret, long? ChipId);

/// <summary>
/// provision_requests: the daily cap (UNIQUE (day, seq)), the claim (SKIP LOCKED under a lease), and each
/// step's result written under the claim token, so a node that lost its claim changes nothing. A request given up
/// raises its alert under <paramref name="alerts"/>, the configured policy.
/// </summary>
public sealed class ProvisionStore(NpgsqlDataSource db, AlertPolicy alerts)
{
    public const string Actor = "provisioning";

    // The day's next seq, only below the cap. Two racers compute the same seq: the unique key makes the
    // second wait for the first and then insert nothing, so the cap holds and one need buys one number.
    const string Request = """
        INSERT INTO provision_requests (day, seq, requested_at, requested_by, reason, ddd, next_attempt_at)
        SELECT @day, n.seq, @now, @actor, @reason, @ddd::smallint, @now
        FROM (SELECT coalesce(max(seq) + 1, 0) AS seq FROM provision_requests WHERE day = @day) n
        WHERE n.seq < @max
        ON CONFLICT (day, seq) DO NOTHING
        RETURNING id
        """;

    // Due pending requests, and running ones whose node died (claim expired) while attempts remain. The
    // secrets and instance name are fixed at the first claim, so a retry creates the same instance.
    const string Claim = """
        WITH due AS MATERIALIZED (
            SELECT id FROM provision_requests
            WHERE (status = 'pending' AND next_attempt_at <= @now)
               OR (status = 'running' AND claim_expires_at < @now AND attempts < @max)
            ORDER BY next_attempt_at, id
            LIMIT @limit
            FOR UPDATE SKIP LOCKED)
        UPDATE provision_requests p
        SET status = 'running', claim_token = @token, claim_expires_at = @now + @lease, attempts = p.attempts + 1,
            instance = coalesce(p.instance, 'julia-p' || p.id),
            -- 244 random bits each from PostgreSQL's strong random source; generated once per request.
            instance_token = coalesce(p.instance_token, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')),
            webhook_secret = coalesce(p.webhook_secret, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
        FROM due WHERE p.id = due.id
        RETURNING p.id, p.claim_token, p.attempts, p.ddd, p.reason, p.number_id, p.phone, p.instance, p.instance_token, p.webhook_secret, p.chip_id
        """;

    // A node died mid-request as many times as a request may be tried: it fails like any other last attempt.
    const string Exhausted = """
        UPDATE provision_requests SET status = 'failed', claim_token = NULL, claim_expires_at = NULL, finished_at = @now,
               last_error = coalesce(last_error, 'claim expired') || ' (no attempts left)'
        WHERE status = 'running' AND claim_expires_at < @now AND attempts >= @max
        RETURNING id, last_error
        """;

    const string Bought = """
        UPDATE provision_requests SET number_id = @number, phone = @phone, phone_masked = @masked
        WHERE id = @id AND claim_token = @token AND status = 'running' RETURNING 1
        """;

    const string Registered = "UPDATE provision_requests SET chip_id = @chip WHERE id = @id AND claim_token = @token AND status = 'running' RETURNING 1";

    const string Done = """
        UPDATE provision_requests SET status = 'done', claim_token = NULL, claim_expires_at = NULL, finished_at = @now, last_error = NULL
        WHERE id = @id AND claim_token = @token AND status = 'running' RETURNING 1
        """;

    // Back to pending with a later attempt, or failed when it can never succeed or has no attempts left.
    const string Fail = """
        UPDATE provision_requests
        SET status = CASE WHEN @permanent OR attempts >= @max THEN 'failed' ELSE 'pending' END,
            next_attempt_at = CASE WHEN @permanent OR attempts >= @max THEN next_attempt_at ELSE @retry_at END,
            finished_at = CASE WHEN @permanent OR attempts >= @max THEN @now END,
            claim_token = NULL, claim_expires_at = NULL, last_error = @error
        WHERE id = @id AND claim_token = @token AND status = 'running'
        RETURNING status, attempts
        """;

    const string List = """
        SELECT * FROM provision_requests WHERE (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit
        """;

    /// <summary>
    /// A request for one more number on São Paulo day <paramref name="day"/>, if fewer than <paramref name="dailyMax"/>
    /// were requested that day; the request's id, or null when the cap is reached or another node's request
    /// for the same need won the race. The caller decides that a number is needed (never to replace a
    /// number the platform restricted: policy).
    /// </summary>
    public async Task<long?> RequestAsync(DateOnly day, int dailyMax, string actor, string reason, int? ddd, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long? id;
        await using (var cmd = c.Cmd(Request, tx).P("day", day).P("max", dailyMax).P("actor", actor).P("reason", reason)
                         .P("ddd", ddd is { } d ? (short)d : null).P("now", now))
            id = await cmd.ExecuteScalarAsync(ct) is long x ? x : null;
        if (id is null) { await tx.RollbackAsync(ct); return null; }
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "provision_requested", Reason: reason,
            Details: new { requestId = id, day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ddd }), now, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Requests counted against <paramref name="day"/> (whatever became of them).</summary>
    public async Task<int> CountAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT count(*) FROM provision_requests WHERE day = @day").P("day", day);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Requests not finished yet (pending or running): numbers on their way.</summary>
    public async Task<int> OpenAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT count(*) FROM provision_requests WHERE status IN ('pending', 'running')");
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<ProvisionClaim>> ClaimAsync(int limit, int maxAttempts, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Claim).P("now", now).P("max", maxAttempts).P("limit", limit).P("token", Guid.NewGuid()).P("lease", lease);
        return await cmd.ListAsync(r => new ProvisionClaim(r.Get<long>("id"), r.Get<Guid>("claim_token"), r.Get<int>("attempts"),
            r.Opt<short>("ddd"), r.Get<string>("reason"), r.OptString("number_id"), r.OptString("phone"), r.Get<string>("instance"),
            r.Get<string>("instance_token"), r.Get<string>("webhook_secret"), r.Opt<long>("chip_id")), ct);
    }

    /// <summary>Requests whose node died on their last attempt: failed, recorded and alerted; returns how many.</summary>
    public async Task<int> FailExhaustedAsync(int maxAttempts, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        List<(long Id, string? Error)> rows;
        await using (var cmd = c.Cmd(Exhausted, tx).P("now", now).P("max", maxAttempts))
            rows = await cmd.ListAsync(r => (r.Get<long>("id"), r.OptString("last_error")), ct);
        foreach (var (id, error) in rows) await FailedAsync(c, tx, id, error ?? "", now, ct);
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    /// <summary>The number bought (written before anything uses it, so a retry registers this one).</summary>
    public Task<bool> BoughtAsync(ProvisionClaim claim, string numberId, string phone, string masked, CancellationToken ct) =>
        GuardedAsync(Bought, claim, cmd => cmd.P("number", numberId).P("phone", phone).P("masked", masked), ct);

    public Task<bool> RegisteredAsync(ProvisionClaim claim, long chipId, CancellationToken ct) =>
        GuardedAsync(Registered, claim, cmd => cmd.P("chip", chipId), ct);

    /// <summary>Done: the request and its operation record commit together.</summary>
    public async Task<bool> DoneAsync(ProvisionClaim claim, long chipId, string phoneMasked, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var cmd = c.Cmd(Done, tx).P("id", claim.Id).P("token", claim.Token).P("now", now))
            if (await cmd.ExecuteScalarAsync(ct) is null) { await tx.RollbackAsync(ct); return false; }
        await OperationStore.AddAsync(c, tx, new NewOperation(Actor, "provision_done", chipId, ToStatus: "pending", Reason: claim.Reason,
            Details: new { requestId = claim.Id, phone = phoneMasked, instance = claim.Instance, attempts = claim.Attempts }), now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A failed attempt: retried at <paramref name="retryAt"/>, or failed for good (permanent, or out of attempts)
    /// with an alert. Returns the request's status after it (null when the claim was lost).
    /// </summary>
    public async Task<string?> FailAsync(ProvisionClaim claim, string error, bool permanent, int maxAttempts, DateTimeOffset retryAt,
                                         DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        string? status;
        await using (var cmd = c.Cmd(Fail, tx).P("id", claim.Id).P("token", claim.Token).P("permanent", permanent).P("max", maxAttempts)
                         .P("retry_at", retryAt).P("now", now).P("error", error))
            status = (await cmd.FirstAsync(r => r.Get<string>("status"), ct));
        if (status is null) { await tx.RollbackAsync(ct); return null; }
        if (status == "failed") await FailedAsync(c, tx, claim.Id, error, now, ct);
        else await OperationStore.AddAsync(c, tx, new NewOperation(Actor, "provision_attempt_failed", claim.ChipId, Reason: error,
            Details: new { requestId = claim.Id, attempt = claim.Attempts, retryAt }), now, ct);
        await tx.CommitAsync(ct);
        return status;
    }

    async Task FailedAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, string error, DateTimeOffset now, CancellationToken ct)
    {
        await OperationStore.AddAsync(c, tx, new NewOperation(Actor, "provision_failed", Reason: error, Details: new { requestId = id }), now, ct);
        await AlertStore.RaiseAsync(c, tx, EventAlerts.ProvisioningFailed(id, error), alerts.Cooldown, now, ct);
    }

    public async Task<List<ProvisionRequest>> ListAsync(long? before, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(List).Long("before", before).P("limit", limit);
        return await cmd.ListAsync(r => new ProvisionRequest(r.Get<long>("id"), r.Get<DateOnly>("day"), r.Get<int>("seq"),
            r.Get<DateTimeOffset>("requested_at"),
            r.Get<string>("requested_by"), r.Get<string>("reason"), r.Opt<short>("ddd"), r.Get<string>("status"), r.Get<int>("attempts"),
            r.Get<DateTimeOffset>("next_attempt_at"), r.OptString("last_error"), r.Opt<long>("chip_id"), r.OptString("phone_masked"),
            r.Opt<DateTimeOffset>("finished_at")), ct);
    }

    /// <summary>The chip a request's instance became, with its status (a retry after a crash finds it here).</summary>
    public async Task<(long Id, string Status)?> ChipByInstanceAsync(string instance, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("SELECT id, status FROM chips WHERE instance = @i").P("i", instance);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.Get<long>("id"), r.Get<string>("status")) : null;
    }

    async Task<bool> GuardedAsync(string sql, ProvisionClaim claim, Func<NpgsqlCommand, NpgsqlCommand> bind, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = bind(c.Cmd(sql).P("id", claim.Id).P("token", claim.Token));
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }
}
