using Npgsql;

namespace Julia.Testing;

/// <summary>One statement against a test database: a scalar, a list, or nothing back.</summary>
public static class Sql
{
    public static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql, params (string, object?)[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (k, v) in args) cmd.Parameters.AddWithValue(k, v ?? DBNull.Value);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<List<T>> List<T>(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, T> read, params (string, object?)[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (k, v) in args) cmd.Parameters.AddWithValue(k, v ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(read(r));
        return list;
    }

    public static async Task Exec(NpgsqlDataSource db, string sql, params (string, object?)[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (k, v) in args) cmd.Parameters.AddWithValue(k, v ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }
}
