using Npgsql;

namespace Julia.Testing;

/// <summary>Arranges chips in any state straight in the database (the API only registers new ones).</summary>
public static class Seed
{
    static int _n;

    public static async Task<long> ChipAsync(NpgsqlDataSource db, DateTimeOffset now, string status = "active", int trust = 90,
                                             int ddd = 11, int stage = 5, bool connected = true)
    {
        int n = Interlocked.Increment(ref _n);
        var phone = $"+55{ddd}98{n:0000000}";
        return await Sql.Scalar<long>(db, """
            INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, paused_from, connected, trust_score,
                               rampup_stage, account_created_at, created_at, updated_at, retired_at)
            VALUES (@phone, @ddd, @instance, 'tok-' || @instance, 'sec-' || @instance, @status,
                    CASE WHEN @status = 'paused' THEN 'active' END, @connected, @trust, @stage, @now - interval '60 days', @now, @now,
                    CASE WHEN @status = 'retired' THEN @now END)
            RETURNING id
            """, ("phone", phone), ("ddd", (short)ddd), ("instance", $"test-{n}"), ("status", status), ("connected", connected),
            ("trust", (short)trust), ("stage", (short)stage), ("now", now));
    }

    public static Task ContactAsync(NpgsqlDataSource db, string phone, DateTimeOffset now, bool basis = true) =>
        Sql.Exec(db, """
            INSERT INTO contacts (phone, ddd, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
            VALUES (@phone, substr(@phone, 4, 2)::smallint, CASE WHEN @basis THEN 'consent' END, CASE WHEN @basis THEN 'test' END, @now, @now, @now)
            ON CONFLICT DO NOTHING
            """, ("phone", phone), ("now", now), ("basis", basis));

    /// <summary>Removes every chip's influence from a test that wants a known pool.</summary>
    public static Task RetireAllAsync(NpgsqlDataSource db, DateTimeOffset now) =>
        Sql.Exec(db, "UPDATE chips SET status = 'retired', paused_from = NULL, retired_at = @now WHERE status <> 'retired'", ("now", now));
}
