using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Julia.Storage;

/// <summary>Small helpers that keep the stores' code about SQL, not ADO.NET ceremony.</summary>
internal static class Sql
{
    public static NpgsqlCommand Cmd(this NpgsqlConnection c, string sql, NpgsqlTransaction? tx = null) => new(sql, c, tx);

    /// <summary>
    /// Binds a parameter. Every time reaches PostgreSQL as UTC here, whatever offset the caller's value
    /// carries (a sending window's opening is a São Paulo time): Npgsql refuses any other offset for
    /// <c>timestamptz</c>, and one place converting beats every caller remembering to.
    /// </summary>
    public static NpgsqlCommand P(this NpgsqlCommand cmd, string name, object? value)
    {
        cmd.Parameters.AddWithValue(name, Utc(value) ?? DBNull.Value);
        return cmd;
    }

    internal static object? Utc(object? value) => value switch
    {
        DateTimeOffset t => t.ToUniversalTime(),
        DateTimeOffset[] ts => Array.ConvertAll(ts, t => t.ToUniversalTime()),
        _ => value,
    };

    public static NpgsqlCommand Json(this NpgsqlCommand cmd, string name, string json)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json });
        return cmd;
    }

    public static NpgsqlCommand Text(this NpgsqlCommand cmd, string name, string? value)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        return cmd;
    }

    public static NpgsqlCommand Long(this NpgsqlCommand cmd, string name, long? value)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value });
        return cmd;
    }

    /// <summary>
    /// Binds the command's named parameters to <paramref name="sql"/>'s positions. Npgsql sends a
    /// positional statement as it is; a named one it parses on every execution, which on the selection
    /// path costs as much as ranking the chips.
    /// </summary>
    public static NpgsqlCommand Positional(this NpgsqlCommand cmd, PositionalSql sql)
    {
        // A handful of parameters: found by a scan, not through a dictionary built for each statement.
        var named = new NpgsqlParameter[cmd.Parameters.Count];
        cmd.Parameters.CopyTo(named, 0);
        cmd.Parameters.Clear();
        foreach (var name in sql.Names)
        {
            var p = Named(named, name);
            p.ParameterName = "";
            cmd.Parameters.Add(p);
        }
        cmd.CommandText = sql.Text;
        return cmd;
    }

    static NpgsqlParameter Named(NpgsqlParameter[] named, string name)
    {
        foreach (var p in named) if (p.ParameterName == name) return p;
        throw new KeyNotFoundException($"parameter @{name} is not bound");
    }

    public static T? Opt<T>(this NpgsqlDataReader r, string col) where T : struct
    {
        int i = r.GetOrdinal(col);
        return r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
    }

    public static string? OptString(this NpgsqlDataReader r, string col)
    {
        int i = r.GetOrdinal(col);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static T Get<T>(this NpgsqlDataReader r, string col) => r.GetFieldValue<T>(r.GetOrdinal(col));

    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(map(r));
        return list;
    }

    public static async Task<T?> FirstAsync<T>(this NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, CancellationToken ct) where T : class
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? map(r) : null;
    }
}

/// <summary>A statement written with @names, rewritten once to $1, $2… in order of first use (not inside literals or comments).</summary>
public sealed partial class PositionalSql
{
    public string Text { get; }
    public IReadOnlyList<string> Names { get; }

    public PositionalSql(string sql)
    {
        var names = new List<string>();
        Text = Placeholder().Replace(sql, m =>
        {
            if (!m.Groups[1].Success) return m.Value; // a string literal or a comment
            int i = names.IndexOf(m.Groups[1].Value);
            if (i < 0) { names.Add(m.Groups[1].Value); i = names.Count - 1; }
            return "$" + (i + 1);
        });
        Names = names;
    }

    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*|(?<![\w@:])@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Placeholder();
}
