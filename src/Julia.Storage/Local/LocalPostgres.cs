using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Julia.Storage.Local;

public sealed record LocalPostgresOptions
{
    /// <summary>Cluster directory; reused on the next start, so data survives restarts.</summary>
    public required string DataDir { get; init; }
    public string Database { get; init; } = "julia";
    /// <summary>Throwaway clusters (tests, benchmarks) trade durability for speed.</summary>
    public bool Durable { get; init; } = true;
    public int MaxConnections { get; init; } = 200;
    /// <summary>More postgresql.conf lines (benchmarks load pg_stat_statements this way).</summary>
    public string[] ExtraSettings { get; init; } = [];
}

public sealed class LocalPostgresException(string message) : Exception(message);

/// <summary>
/// A private PostgreSQL cluster started from the machine's server binaries: bound to 127.0.0.1
/// on a free port, no Unix socket, trust auth for the local superuser. As root it runs as the
/// <c>postgres</c> user, because PostgreSQL refuses to run as root.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    readonly LocalPostgresOptions _options;
    readonly string _binDir;
    readonly ILogger _log;
    bool _stopped;

    public int Port { get; private set; }
    public string DataDir => _options.DataDir;
    public string BinDir => _binDir;
    public string ConnectionString => ConnectionStringFor(_options.Database);

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=100;Timeout=15;Command Timeout=30";

    LocalPostgres(LocalPostgresOptions options, string binDir, ILogger log)
    {
        _options = options;
        _binDir = binDir;
        _log = log;
    }

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, ILogger log, CancellationToken ct = default)
    {
        var pg = new LocalPostgres(options, FindBinDir(), log);
        await pg.StartAsync(ct);
        return pg;
    }

    /// <summary>PATH first, then Debian's /usr/lib/postgresql/&lt;version&gt;/bin, newest version first.</summary>
    public static string FindBinDir() => FindBinDir(Environment.GetEnvironmentVariable("PATH") ?? "", "/usr/lib/postgresql");

    public static string FindBinDir(string path, string libRoot)
    {
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        if (Directory.Exists(libRoot))
        {
            var best = Directory.GetDirectories(libRoot)
                .Select(d => (dir: Path.Combine(d, "bin"),
                    version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.dir, "initdb")) && File.Exists(Path.Combine(x.dir, "pg_ctl")))
                .OrderByDescending(x => x.version)
                .FirstOrDefault();
            if (best.dir is not null) return best.dir;
        }
        throw new LocalPostgresException(
            "No PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin. " +
            "Install them (Debian: apt-get install postgresql) or point the service at a server with ConnectionStrings:Postgres.");
    }

    async Task StartAsync(CancellationToken ct)
    {
        var dir = _options.DataDir;
        Directory.CreateDirectory(dir);
        if (!File.Exists(Path.Combine(dir, "PG_VERSION")))
        {
            if (Directory.EnumerateFileSystemEntries(dir).Any())
                throw new LocalPostgresException($"Data directory {dir} is not empty and holds no PostgreSQL cluster; choose another Julia:DataDir.");
            await InitAsync(dir, ct);
        }
        else if (await RunAsync("pg_ctl", ["status", "-D", dir], ct, throwOnError: false) == 0)
        {
            // A server left running on this directory (a previous run that was killed): restart it as ours.
            _log.LogWarning("A PostgreSQL server was still running on {DataDir}; restarting it", dir);
            await RunAsync("pg_ctl", ["stop", "-D", dir, "-m", "fast", "-w"], ct);
        }

        Port = LocalPorts.Next();
        var conf = $"""
            port = {Port}
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = {_options.MaxConnections}
            shared_buffers = 128MB
            fsync = {(_options.Durable ? "on" : "off")}
            synchronous_commit = {(_options.Durable ? "on" : "off")}
            full_page_writes = {(_options.Durable ? "on" : "off")}
            {string.Join('\n', _options.ExtraSettings)}
            """;
        var confPath = Path.Combine(dir, "julia.conf");
        await File.WriteAllTextAsync(confPath, conf + "\n", ct);
        await ChownAsync(confPath, ct);

        await RunAsync("pg_ctl", ["start", "-D", dir, "-w", "-t", "60", "-l", Path.Combine(dir, "server.log")], ct);
        _log.LogInformation("Local PostgreSQL started from {BinDir} on 127.0.0.1:{Port} with data in {DataDir}", _binDir, Port, dir);
        await EnsureDatabaseAsync(_options.Database, ct);
    }

    async Task InitAsync(string dir, CancellationToken ct)
    {
        await ChownAsync(dir, ct);
        _log.LogInformation("Creating a PostgreSQL cluster in {DataDir}", dir);
        string[] args = ["-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"];
        if (!_options.Durable) args = [.. args, "--no-sync"];
        await RunAsync("initdb", args, ct);
        await File.AppendAllTextAsync(Path.Combine(dir, "postgresql.conf"), "\ninclude_if_exists = 'julia.conf'\n", ct);
    }

    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @d", conn);
        exists.Parameters.AddWithValue("d", database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await RunAsync("pg_ctl", ["stop", "-D", _options.DataDir, "-m", "fast", "-w", "-t", "60"], CancellationToken.None, throwOnError: false);
        _log.LogInformation("Local PostgreSQL stopped");
    }

    /// <summary>Stops the server abruptly (immediate mode), as a crash would; tests use it.</summary>
    public Task<int> KillAsync() =>
        RunAsync("pg_ctl", ["stop", "-D", _options.DataDir, "-m", "immediate", "-w"], CancellationToken.None, throwOnError: false);

    /// <summary>Starts the server again on the same port after <see cref="KillAsync"/>.</summary>
    public Task RestartAsync(CancellationToken ct = default) =>
        RunAsync("pg_ctl", ["start", "-D", _options.DataDir, "-w", "-t", "60", "-l", Path.Combine(_options.DataDir, "server.log")], ct);

    public ValueTask DisposeAsync() => new(StopAsync());

    static bool IsRoot => Environment.IsPrivilegedProcess;

    static async Task ChownAsync(string path, CancellationToken ct)
    {
        if (!IsRoot) return;
        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", path]) { RedirectStandardError = true })!;
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new LocalPostgresException($"Could not give {path} to the postgres user: {await p.StandardError.ReadToEndAsync(ct)}");
    }

    async Task<int> RunAsync(string tool, string[] args, CancellationToken ct, bool throwOnError = true)
    {
        var exe = Path.Combine(_binDir, tool);
        var psi = IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", exe, .. args]) : new ProcessStartInfo(exe, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/";
        using var p = Process.Start(psi) ?? throw new LocalPostgresException($"Could not run {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0 && throwOnError)
        {
            var log = Path.Combine(_options.DataDir, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "";
            throw new LocalPostgresException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}\n{tail}");
        }
        return p.ExitCode;
    }
}
