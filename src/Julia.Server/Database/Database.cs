using Julia.Server.Configuration;
using Julia.Storage.Local;
using Julia.Storage.Migrations;
using Npgsql;

namespace Julia.Server.Database;

/// <summary>
/// The service's PostgreSQL: the server named by <c>ConnectionStrings:Postgres</c>, or, when there is
/// none, a private cluster started from the machine's binaries in <c>Julia:DataDir</c>. Migrated before use.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    public required NpgsqlDataSource DataSource { get; init; }
    /// <summary>
    /// For the one connection that LISTENs (<c>ConnectionStrings:PostgresListen</c>, else the main one). Behind a
    /// transaction-mode pooler it must be a direct or session-mode connection: LISTEN gets nothing through the pooler.
    /// </summary>
    public required NpgsqlDataSource ListenSource { get; init; }
    public LocalPostgres? Local { get; init; }

    /// <param name="config">The connection strings.</param>
    /// <param name="boot">Sections <c>Julia</c> (data folder, migrations) and <c>Postgres</c>.</param>
    public static async Task<Database> OpenAsync(IConfiguration config, BootOptions boot, ILoggerFactory logs, CancellationToken ct)
    {
        var options = boot.Get<JuliaOptions>();
        var log = logs.CreateLogger<Database>();
        var connectionString = config.GetConnectionString("Postgres");
        LocalPostgres? local = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = options.DataDir ?? JuliaOptions.DefaultDataDir();
            local = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDir = dataDir }, logs.CreateLogger<LocalPostgres>(), ct);
            connectionString = local.ConnectionString;
        }
        var settings = boot.Get<PostgresSettings>();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "julia-grains";
        // Selection and claims run the same few statements all day: let Npgsql prepare them. Off for a pooler that
        // cannot carry prepared statements (PgBouncer before 1.21, or max_prepared_statements = 0).
        if (!settings.AutoPrepare) builder.ConnectionStringBuilder.MaxAutoPrepare = 0;
        else if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 50;
        // Stores open a pooled connection per statement and keep no session state (advisory locks are
        // transaction-scoped; LISTEN holds its own connection), so skip the reset on every return.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // Every statement the service runs is a key lookup on small, hot tables. With the default
        // random_page_cost (4, priced for spinning disks) the planner prefers scanning the 100-row chip
        // table whole, and a prepared plan keeps doing so, reading every dead version of rows that
        // are updated thousands of times a minute. Priced for SSD/RAM, lookups stay lookups.
        // Poolers refuse or drop start-up options: there, Postgres:StartupOptions=false and the setting is made per role
        // or database instead (ALTER ROLE julia SET random_page_cost = 1.1; docs/operations.md).
        if (settings.StartupOptions) builder.ConnectionStringBuilder.Options ??= "-c random_page_cost=1.1";
        var dataSource = builder.Build();
        var listen = new NpgsqlConnectionStringBuilder(config.GetConnectionString("PostgresListen") is { Length: > 0 } l ? l : connectionString);
        listen.ApplicationName ??= "julia-grains-listen";
        // Application-level pings: a LISTEN connection to a primary that died without closing the socket would
        // otherwise wait for notifications forever.
        if (listen.KeepAlive == 0) listen.KeepAlive = 30;
        listen.MaxAutoPrepare = 0;
        var listenSource = NpgsqlDataSource.Create(listen.ConnectionString);
        try
        {
            if (options.MigrateOnStart)
            {
                var applied = await Migrator.ApplyAsync(dataSource, log, ct);
                if (applied > 0) log.LogInformation("Applied {Count} migration(s)", applied);
            }
            else if (await Migrator.PendingAsync(dataSource, ct) is { Count: > 0 } pending)
                throw new MigrationException($"{pending.Count} migration(s) not applied yet ({string.Join(", ", pending)}), "
                    + "and Julia:MigrateOnStart is false: run the migrate command first");
        }
        catch
        {
            await dataSource.DisposeAsync();
            await listenSource.DisposeAsync();
            if (local is not null) await local.StopAsync();
            throw;
        }
        return new Database { DataSource = dataSource, ListenSource = listenSource, Local = local };
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await ListenSource.DisposeAsync();
        if (Local is not null) await Local.StopAsync();
    }
}

/// <summary>Section <c>Postgres</c>: switches for running behind a connection pooler.</summary>
public sealed class PostgresSettings
{
    public const string Section = "Postgres";

    /// <summary>Let Npgsql prepare the statements it runs often (default). False turns it off even if the connection string asks.</summary>
    public bool AutoPrepare { get; set; } = true;

    /// <summary>
    /// Send <c>-c random_page_cost=1.1</c> as a start-up option when the connection string has no <c>Options</c> (default).
    /// False behind PgBouncer, which refuses or drops start-up options; set it per role or database instead.
    /// </summary>
    public bool StartupOptions { get; set; } = true;
}
