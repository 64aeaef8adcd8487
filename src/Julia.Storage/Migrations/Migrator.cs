using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Julia.Storage.Migrations;

public sealed class MigrationException(string message) : Exception(message);

public sealed record Migration(string Name, string Sql, string Checksum);

/// <summary>
/// Applies <c>sql/NNNN_name.sql</c> in order, once each. All of it runs in one transaction that
/// first takes a transaction-scoped advisory lock, so nodes starting together queue instead of
/// racing, and a failed migration leaves nothing behind. (A transaction lock is released with the
/// transaction, so connection pooling cannot leak it.)
/// </summary>
public static partial class Migrator
{
    const long LockKey = 0x4A756C6961; // "Julia"

    [GeneratedRegex(@"^\d{4}_[a-z0-9_]+\.sql$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<Migration> Embedded()
    {
        var asm = typeof(Migrator).Assembly;
        var list = new List<Migration>();
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.StartsWith("sql/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = res["sql/".Length..];
            if (!NamePattern().IsMatch(name)) throw new MigrationException($"Migration file name {name} must look like 0001_name.sql");
            using var s = asm.GetManifestResourceStream(res)!;
            using var r = new StreamReader(s);
            var sql = r.ReadToEnd();
            list.Add(new Migration(name, sql, Checksum(sql)));
        }
        return list;
    }

    public static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    public static async Task<int> ApplyAsync(NpgsqlDataSource db, ILogger log, CancellationToken ct = default) =>
        await ApplyAsync(db, Embedded(), log, ct);

    public static async Task<int> ApplyAsync(NpgsqlDataSource db, IReadOnlyList<Migration> migrations, ILogger log, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct);
        await Exec(conn, tx, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, ct);

        var applied = new Dictionary<string, string>();
        await using (var cmd = new NpgsqlCommand("SELECT name, checksum FROM schema_migrations", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) applied[r.GetString(0)] = r.GetString(1);

        int count = 0;
        foreach (var m in migrations)
        {
            if (applied.TryGetValue(m.Name, out var sum))
            {
                if (sum != m.Checksum)
                    throw new MigrationException(
                        $"Migration {m.Name} was edited after it was applied (checksum {sum[..12]} in the database, {m.Checksum[..12]} in the file). " +
                        "Restore the original file and put the change in a new migration.");
                continue;
            }
            log.LogInformation("Applying migration {Migration}", m.Name);
            await Exec(conn, tx, m.Sql, ct);
            await using var rec = new NpgsqlCommand("INSERT INTO schema_migrations (name, checksum) VALUES (@n, @c)", conn, tx);
            rec.Parameters.AddWithValue("n", m.Name);
            rec.Parameters.AddWithValue("c", m.Checksum);
            await rec.ExecuteNonQueryAsync(ct);
            count++;
        }
        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>Embedded migrations not recorded in <c>schema_migrations</c> (all of them on an empty database).</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT coalesce(array_agg(name), '{}') FROM schema_migrations", conn);
        var applied = new HashSet<string>();
        try { applied.UnionWith((string[])(await cmd.ExecuteScalarAsync(ct))!); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        return Embedded().Select(m => m.Name).Where(n => !applied.Contains(n)).ToList();
    }

    static async Task Exec(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
