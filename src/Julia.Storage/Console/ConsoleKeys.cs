using Npgsql;

namespace Julia.Storage.Console;

/// <summary>The console's cookie-signing key ring in <c>console_keys</c>: read whole, added to one key at a time.</summary>
public sealed class ConsoleKeys(NpgsqlDataSource db)
{
    // Data protection's repository interface is synchronous; it is called at start-up and when a key is made (every 90 days).
    public IReadOnlyList<string> All()
    {
        using var conn = db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT xml FROM console_keys ORDER BY created_at, name", conn);
        using var r = cmd.ExecuteReader();
        var keys = new List<string>();
        while (r.Read()) keys.Add(r.GetString(0));
        return keys;
    }

    public void Add(string name, string xml)
    {
        using var conn = db.OpenConnection();
        using var cmd = new NpgsqlCommand("INSERT INTO console_keys (name, xml) VALUES (@n, @x) ON CONFLICT (name) DO NOTHING", conn);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("x", xml);
        cmd.ExecuteNonQuery();
    }
}
