using Julia.Server;
using Julia.Storage.Local;
using Julia.Storage.Migrations;

try
{
    if (args.FirstOrDefault() == "probe") return await Probe.RunAsync(args[1..]);
    if (args.FirstOrDefault() == "migrate") return await Cli.MigrateAsync(args[1..]);
    if (args.FirstOrDefault() == "create-key") return await Cli.CreateKeyAsync(args[1..]);
    if (args.FirstOrDefault() == "create-user") return await Julia.Server.ConsoleWeb.ConsoleCli.CreateUserAsync(args[1..]);
    var app = await JuliaApp.CreateAsync(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is LocalPostgresException or MigrationException || (args.FirstOrDefault() == "migrate" && e is Npgsql.NpgsqlException))
{
    // Start-up problems a person must fix: say what and how, without a stack trace (for migrate, a database it cannot reach too).
    Console.Error.WriteLine($"Julia Grains cannot start: {e.Message}");
    return 1;
}
