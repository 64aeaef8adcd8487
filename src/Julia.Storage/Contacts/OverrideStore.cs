using Julia.Storage.Operations;
using Npgsql;

namespace Julia.Storage.Contacts;

/// <summary>An operator override as listed: <see cref="Used"/> messages passed thanks to it so far.</summary>
public sealed record OverrideRecord(long Id, string Contact, string Rule, string Reason, string Actor, DateTimeOffset CreatedAt,
                                    DateTimeOffset Until, int? Count, int Used, DateTimeOffset? RevokedAt, string? RevokedBy, string? RevokeReason);

/// <summary>
/// The table <c>contact_overrides</c>. Every write is made by the contact's conversation grain (which keeps
/// what the guardrails read) and commits with its <c>operations</c> record.
/// </summary>
public sealed class OverrideStore(NpgsqlDataSource db)
{
    const string Columns = """
        o.id, o.contact, o.rule, o.reason, o.actor, o.created_at, o.until, o.count, o.revoked_at, o.revoked_by, o.revoke_reason,
        (SELECT count(*) FROM selections s WHERE s.contact = o.contact AND s.chip_id IS NOT NULL AND s.at >= o.created_at
           AND s.excluded ->> ('override:' || o.rule) = o.id::text)::int AS used
        """;

    const string Insert = """
        INSERT INTO contact_overrides (contact, rule, reason, actor, created_at, until, count)
        VALUES (@contact, @rule, @reason, @actor, @now, @until, @count) RETURNING id
        """;

    // Guarded on still running: revoking twice, or one that already ended, changes nothing and says so.
    const string Revoke = """
        UPDATE contact_overrides SET revoked_at = @now, revoked_by = @actor, revoke_reason = @reason
        WHERE id = @id AND contact = @contact AND revoked_at IS NULL AND until > @now
        RETURNING rule
        """;

    const string List = $"SELECT {Columns} FROM contact_overrides o WHERE o.contact = @contact ORDER BY o.id DESC LIMIT 200";
    const string One = $"SELECT {Columns} FROM contact_overrides o WHERE o.contact = @contact AND o.id = @id";

    public async Task<long> AddAsync(string contact, string rule, string reason, string actor, DateTimeOffset until, int? count,
                                     DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long id;
        await using (var cmd = c.Cmd(Insert, tx).P("contact", contact).P("rule", rule).P("reason", reason).P("actor", actor)
                         .P("now", now).P("until", until).P("count", (object?)count ?? DBNull.Value))
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "contact_override", Contact: contact, Reason: reason,
            Details: new { overrideId = id, rule, until, count }), now, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>False when there is no such override running for the contact.</summary>
    public async Task<bool> RevokeAsync(string contact, long id, string reason, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        string? rule;
        await using (var cmd = c.Cmd(Revoke, tx).P("id", id).P("contact", contact).P("reason", reason).P("actor", actor).P("now", now))
            rule = (string?)await cmd.ExecuteScalarAsync(ct);
        if (rule is null) return false;
        await OperationStore.AddAsync(c, tx, new NewOperation(actor, "contact_override_revoked", Contact: contact, Reason: reason,
            Details: new { overrideId = id, rule }), now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<List<OverrideRecord>> ListAsync(string contact, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(List).P("contact", contact);
        return await cmd.ListAsync(Read, ct);
    }

    public async Task<OverrideRecord?> GetAsync(string contact, long id, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(One).P("contact", contact).P("id", id);
        return await cmd.FirstAsync(Read, ct);
    }

    static OverrideRecord Read(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<string>("contact"), r.Get<string>("rule"), r.Get<string>("reason"), r.Get<string>("actor"),
        r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("until"), r.Opt<int>("count"), r.Get<int>("used"),
        r.Opt<DateTimeOffset>("revoked_at"), r.OptString("revoked_by"), r.OptString("revoke_reason"));
}
