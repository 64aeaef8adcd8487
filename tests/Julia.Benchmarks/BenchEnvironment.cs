using System.Diagnostics;
using System.Text.RegularExpressions;
using Julia.Storage.Local;
using Julia.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Julia.Benchmarks;

/// <summary>A private PostgreSQL for the benchmarks (durable settings, as in production) and pgbench on it.</summary>
public sealed record PgbenchResult(double Tps, double P50, double P99);

public sealed partial class BenchEnvironment : IAsyncDisposable
{
    public required LocalPostgres Postgres { get; init; }
    public required string Dir { get; init; }

    public static async Task<BenchEnvironment> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "julia-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var pg = await LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            DataDir = dir,
            Database = "postgres",
            MaxConnections = 200,
            ExtraSettings = ["shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track = all", "pg_stat_statements.track_planning = on"],
        }, NullLogger.Instance);
        return new BenchEnvironment { Postgres = pg, Dir = dir };
    }

    public async Task<NpgsqlDataSource> FreshDatabaseAsync(string name)
    {
        await Postgres.EnsureDatabaseAsync(name);
        var ds = NpgsqlDataSource.Create(Postgres.ConnectionStringFor(name));
        await Migrator.ApplyAsync(ds, NullLogger.Instance);
        await using (var cmd = ds.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()"))
            await cmd.ExecuteNonQueryAsync();
        return ds;
    }

    /// <summary>Where the database's time went since the last reset: the heaviest statements by total time.</summary>
    public static async Task ReportStatementsAsync(NpgsqlDataSource db, Report report, int top = 5)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT calls, plans, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                   round(mean_plan_time::numeric, 3) AS plan_ms, rows, wal_records,
                   regexp_replace(left(query, 70), '\s+', ' ', 'g') AS query
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time + total_plan_time DESC LIMIT {top}
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        report.Line("| calls | plans | exec total ms | exec mean ms | plan mean ms | rows | WAL records | statement |");
        report.Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        while (await r.ReadAsync())
            report.Line($"| {r.GetInt64(0)} | {r.GetInt64(1)} | {r.GetDecimal(2)} | {r.GetDecimal(3)} | {r.GetDecimal(4)} | {r.GetInt64(5)} | {r.GetInt64(6)} | `{r.GetString(7)}…` |");
        await r.DisposeAsync();
        // A plan cached while a table was small can keep scanning it whole after it has grown.
        await using var scans = db.CreateCommand("""
            SELECT coalesce(string_agg(relname || ' ' || seq_scan || ' scans / ' || seq_tup_read || ' rows', ', ' ORDER BY seq_tup_read DESC), 'none')
            FROM pg_stat_user_tables WHERE seq_tup_read > 10000
            """);
        report.Line($"sequential scans over 10,000 rows: {(string)(await scans.ExecuteScalarAsync())!}");
    }

    /// <summary>pgbench's built-in script on the same server: transactions per second and latency percentiles.</summary>
    public Task<PgbenchResult> PgbenchAsync(string script, int clients, int seconds) => LoadAsync(["-b", script], clients, seconds);

    /// <summary>pgbench with a script of our own (e.g. single-row inserts), on its own database unless another is named.</summary>
    /// <param name="prepared">Statements prepared once per connection (as Npgsql's auto-prepare does for the node).</param>
    public async Task<PgbenchResult> PgbenchScriptAsync(string script, int clients, int seconds, string database = "pgbench", bool prepared = false)
    {
        var file = Path.Combine(Path.GetTempPath(), $"julia-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, script);
        try { return await LoadAsync(prepared ? ["-f", file, "-M", "prepared"] : ["-f", file], clients, seconds, database); }
        finally { File.Delete(file); }
    }

    async Task<PgbenchResult> LoadAsync(string[] script, int clients, int seconds, string database = "pgbench")
    {
        string[] conn = ["-h", "127.0.0.1", "-p", Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres"];
        if (!_initialised)
        {
            await Postgres.EnsureDatabaseAsync("pgbench");
            await RunAsync(["-i", "-q", "-s", "10", .. conn, "pgbench"]);
            _initialised = true;
        }
        var logs = Directory.CreateTempSubdirectory("julia-pgbench-");
        try
        {
            var output = await RunAsync([.. script, "-c", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(System.Globalization.CultureInfo.InvariantCulture), "-T", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n",
                                         "--log", "--sampling-rate", "0.1", "--log-prefix", Path.Combine(logs.FullName, "tx"), .. conn, database]);
            var m = TpsLine().Match(output);
            // One line per sampled transaction (one in ten, so logging costs the baseline nothing
            // measurable): client, number, latency in µs, script, epoch s, µs.
            var latencies = logs.EnumerateFiles().SelectMany(f => File.ReadLines(f.FullName))
                .Select(l => long.Parse(l.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture) / 1000.0).Order().ToList();
            return new(m.Success ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : double.NaN,
                       Report.Percentile(latencies, 0.5), Report.Percentile(latencies, 0.99));
        }
        finally { logs.Delete(recursive: true); }
    }

    bool _initialised;

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    static async Task<string> RunAsync(string[] args)
    {
        var exe = File.Exists("/usr/bin/pgbench") ? "/usr/bin/pgbench" : Path.Combine(LocalPostgres.FindBinDir(), "pgbench");
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pgbench failed: {await stderr}");
        return await stdout + await stderr;
    }

    public async ValueTask DisposeAsync()
    {
        await Postgres.StopAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
