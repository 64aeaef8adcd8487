using Npgsql;

namespace Julia.Storage.Leadership;

/// <summary>
/// A named lease in one row (holder, term, expiry). The holder renews it; anyone may take it once it
/// has expired, and the term goes up on every change of holder so work can be fenced by term.
/// A row, not an advisory lock: pooled connections and PgBouncer would lose advisory locks.
/// </summary>
public sealed class LeaseStore(NpgsqlDataSource db)
{
    // Take if free or expired, renew if ours; otherwise nothing changes and no row comes back.
    const string Acquire = """
        INSERT INTO leases AS l (name, holder, term, expires_at) VALUES (@name, @me, 1, @now + @ttl)
        ON CONFLICT (name) DO UPDATE SET
            holder = EXCLUDED.holder,
            term = CASE WHEN l.holder = EXCLUDED.holder THEN l.term ELSE l.term + 1 END,
            expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at <= @now
        RETURNING term
        """;

    public async Task<long?> TryAcquireAsync(string name, string me, TimeSpan ttl, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Acquire).P("name", name).P("me", me).P("ttl", ttl).P("now", now);
        return (long?)await cmd.ExecuteScalarAsync(ct);
    }

    public async Task ReleaseAsync(string name, string me, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd("UPDATE leases SET expires_at = '-infinity' WHERE name = @name AND holder = @me").P("name", name).P("me", me);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
