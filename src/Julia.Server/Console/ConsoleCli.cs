using System.Security.Cryptography;
using Serilog;

namespace Julia.Server.ConsoleWeb;

/// <summary><c>create-user --email E --name N --role viewer|operator|admin [--password P]</c>: adds a console user, or replaces an existing one's name, role
/// and password.</summary>
public static class ConsoleCli
{
    public const int MinPasswordLength = 10;

    public static async Task<int> CreateUserAsync(string[] args)
    {
        string? email = null, name = null, role = null, password = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--email": email = Next(); break;
                case "--name": name = Next(); break;
                case "--role": role = Next(); break;
                case "--password": password = Next(); break;
                default: rest.Add(args[i]); break;
            }
        }
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@') || string.IsNullOrWhiteSpace(name) || !ConsoleRoles.All.Contains(role))
        {
            System.Console.Error.WriteLine("usage: create-user --email EMAIL --name NAME --role viewer|operator|admin [--password PASSWORD]  "
                + "(else the password is read from standard input)");
            return 2;
        }
        password ??= System.Console.In.ReadLine();
        if (password is null || password.Length < MinPasswordLength)
        {
            System.Console.Error.WriteLine($"the password must have at least {MinPasswordLength} characters");
            return 2;
        }
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables().AddCommandLine(rest.ToArray()).Build();
        var options = Configuration.BootOptions.Read(config);
        using var logs = LoggerFactory.Create(l =>
            l.AddSerilog(new LoggerConfiguration().WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger()));
        await using var db = await Database.Database.OpenAsync(config, options, logs, CancellationToken.None);
        var user = await new UserStore(db.DataSource).CreateAsync(email, name, role!, password, DateTimeOffset.UtcNow, CancellationToken.None);
        System.Console.WriteLine($"user {user.Email} ({user.Role}) saved; sign in at /console/login");
        return 0;
    }

    /// <summary>A password for the demo's printed logins: 16 characters from an unambiguous alphabet.</summary>
    public static string NewPassword() =>
        new(RandomNumberGenerator.GetItems<char>("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789", 16));
}
