using Npgsql;
using NpgsqlTypes;

namespace Julia.Storage;

/// <summary>Small helpers that keep the stores' code about SQL, not ADO.NET ceremony.</summary>
internal static class Sql
{
    public static NpgsqlCommand Cmd(this NpgsqlConnection c, string sql, NpgsqlTransaction? tx = null) => new(sql, c, tx);

    public static NpgsqlCommand P(this NpgsqlCommand cmd, string name, object? value)
    {
        cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

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
