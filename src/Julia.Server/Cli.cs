using Julia.Server.Auth;
using Julia.Server.Configuration;
using Julia.Storage.Auth;
using Serilog;

namespace Julia.Server;

/// <summary>Command-line tasks that run against the configured database and exit.</summary>
public static class Cli
{
    /// <summary>
    /// <c>migrate</c>: applies the pending migrations and exits (0: done, nothing left). The pre-deploy step of a
    /// rolling upgrade (Kubernetes Job, one-shot compose service), so nodes started with
    /// <c>Julia:MigrateOnStart=false</c> never change the schema under nodes of the previous release.
    /// </summary>
    public static async Task<int> MigrateAsync(string[] args)
    {
        var config = Configuration(args);
        var options = BootOptions.Read(config);
        options.Get<JuliaOptions>().MigrateOnStart = true;
        using var logs = LoggerFactory.Create(l =>
            l.AddSerilog(new LoggerConfiguration().WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger()));
        await using var db = await Database.Database.OpenAsync(config, options, logs, CancellationToken.None);
        var pending = await Julia.Storage.Migrations.Migrator.PendingAsync(db.DataSource, CancellationToken.None);
        Console.WriteLine(pending.Count == 0 ? $"schema is current ({Julia.Storage.Migrations.Migrator.Embedded().Count} migrations)"
            : $"still pending: {string.Join(", ", pending)}");
        return pending.Count == 0 ? 0 : 1;
    }

    static IConfiguration Configuration(string[] args) =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables().AddCommandLine(args).Build();

    /// <summary><c>create-key NAME SCOPES</c>: prints a new API key once (scopes: agent, operator, admin, comma-separated).</summary>
    public static async Task<int> CreateKeyAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: create-key NAME SCOPES   (SCOPES: agent,operator,admin; comma-separated)");
            return 2;
        }
        var scopes = args[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.Length == 0 || scopes.Any(s => !Scopes.All.Contains(s)))
        {
            Console.Error.WriteLine("scopes must be agent, operator or admin");
            return 2;
        }
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables().AddCommandLine(args[2..]).Build();
        var options = BootOptions.Read(config);
        using var logs = LoggerFactory.Create(l =>
            l.AddSerilog(new LoggerConfiguration().WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger()));
        await using var db = await Database.Database.OpenAsync(config, options, logs, CancellationToken.None);
        var key = await new ApiKeyStore(db.DataSource).CreateAsync(args[0], scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        Console.WriteLine(key);
        return 0;
    }
}
