using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Julia.Storage.Auth;

public sealed record ApiKeyInfo(long Id, string Name, string[] Scopes);

/// <summary>API keys are stored as SHA-256 hashes; the plain key is shown once, when created.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource db)
{
    const string Find = "SELECT id, name, scopes FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL";
    const string Insert = "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES (@name, @hash, @scopes, @now) RETURNING id";

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<ApiKeyInfo?> FindAsync(string key, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Find).P("hash", Hash(key));
        return await cmd.FirstAsync(r => new ApiKeyInfo(r.Get<long>("id"), r.Get<string>("name"), r.Get<string[]>("scopes")), ct);
    }

    /// <summary>Creates a key and returns it in plain text (the only time it exists outside the caller).</summary>
    public async Task<string> CreateAsync(string name, string[] scopes, DateTimeOffset now, CancellationToken ct)
    {
        var key = "jg_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await using var c = await db.OpenConnectionAsync(ct);
        await using var cmd = c.Cmd(Insert).P("name", name).P("hash", Hash(key)).P("scopes", scopes).P("now", now);
        await cmd.ExecuteScalarAsync(ct);
        return key;
    }
}
