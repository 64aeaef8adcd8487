using Julia.Storage.Local;
using Julia.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Julia.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test run, in a temp directory, started from the machine's
/// binaries. A template database is migrated once; each test class gets its own copy of it.
/// </summary>
public static class TestPostgres
{
    const string Template = "julia_template";
    static readonly SemaphoreSlim CreateLock = new(1, 1);
    static int _counter;

    static readonly Lazy<Task<LocalPostgres>> Cluster = new(StartAsync);

    static async Task<LocalPostgres> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"julia-test-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var pg = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDir = dir, Database = Template, Durable = false, MaxConnections = 300 },
            NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            pg.StopAsync().GetAwaiter().GetResult();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        await using (var ds = NpgsqlDataSource.Create(pg.ConnectionStringFor(Template)))
            await Migrator.ApplyAsync(ds, NullLogger.Instance);
        NpgsqlConnection.ClearAllPools();
        return pg;
    }

    public static Task<LocalPostgres> ServerAsync() => Cluster.Value;

    /// <summary>A fresh, migrated database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string hint)
    {
        var pg = await Cluster.Value;
        var name = $"t{Interlocked.Increment(ref _counter)}_{new string(hint.ToLowerInvariant().Where(char.IsLetterOrDigit).Take(40).ToArray())}";
        await CreateLock.WaitAsync();
        try
        {
            await using var c = new NpgsqlConnection(pg.ConnectionStringFor("postgres") + ";Pooling=false");
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {Template}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        finally { CreateLock.Release(); }
        return pg.ConnectionStringFor(name);
    }
}
