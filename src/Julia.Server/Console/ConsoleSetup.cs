using Julia.Storage.Console;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Julia.Server.ConsoleWeb;

/// <summary>Console settings (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>A session's idle lifetime; each request within it extends it (sliding). Default 8 hours.</summary>
    public TimeSpan Session { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A folder for the keys that sign session cookies, instead of the default: the <c>console_keys</c> table, which
    /// every node sharing the database reads, so a session stays valid whichever node behind one address answers.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>Host the Orleans Dashboard at <c>/console/cluster</c> (admins only). It profiles every grain call.</summary>
    public bool Dashboard { get; set; } = true;
}

/// <summary>The web console at <c>/console</c>: Razor Pages in pt-BR, its sign-in, and the Orleans Dashboard for admins.</summary>
public static class ConsoleSetup
{
    public const string DashboardPath = "/console/cluster";

    /// <param name="options">Where the cookie keys live and whether the dashboard is hosted (read before the container exists).</param>
    public static void AddJuliaConsole(this WebApplicationBuilder builder, ConsoleOptions options)
    {
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<ConsoleQueries>();
        var protection = builder.Services.AddDataProtection().SetApplicationName("julia-grains");
        if (options.KeysDirectory is { } dir) protection.PersistKeysToFileSystem(new DirectoryInfo(dir));
        else
        {
            builder.Services.AddSingleton<ConsoleKeys>();
            builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<ConsoleKeys>((o, keys) => o.XmlRepository = new KeyRing(keys));
        }
        builder.Services.AddConsoleAuth(options);
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Console/Pages";
            o.Conventions.AuthorizeFolder("/", ConsoleAuth.ViewerPolicy);
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AuthorizePage("/Settings", ConsoleAuth.AdminPolicy);
        }).ConfigureApplicationPartManager(parts =>
        {
            // MVC finds pages in the entry assembly; a test host or another program that runs this service has a different one.
            var assembly = typeof(ConsoleSetup).Assembly;
            if (parts.ApplicationParts.Any(p => p is AssemblyPart a && a.Assembly == assembly)) return;
            foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                parts.ApplicationParts.Add(part);
        });
        if (options.Dashboard) builder.UseOrleans(silo => silo.AddDashboard(DashboardSettings));
    }

    /// <summary>The Orleans Dashboard as the node runs it (the benchmarks' stack floor adds the same one to price it).</summary>
    public static void DashboardSettings(DashboardOptions o)
    {
        // Its live log stream would bypass our log masking (it is a logger of its own).
        o.HideTrace = true;
        // Each sample holds the cluster's grain statistics; 100 of them, one a second (its defaults),
        // kept some 400 MiB alive on a node with 100,000 active grains. 30 samples, one every 5 s, is
        // two and a half minutes of history.
        o.HistoryLength = 30;
        o.CounterUpdateIntervalMs = 5000;
    }

    public static void MapJuliaConsole(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<JuliaOptions>>().Value.Demo) app.Lifetime.ApplicationStarted.Register(() => CreateDemoUsers(app));
        app.MapRazorPages();
        app.MapGet("/console/console.css", () => Asset("console.css", "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/console/console.js", () => Asset("console.js", "text/javascript; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        if (app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Dashboard)
            app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(ConsoleAuth.AdminPolicy).ExcludeFromDescription();
    }

    /// <summary>The demo's console logins, with new passwords at each start (printed once, never stored in clear).</summary>
    static void CreateDemoUsers(WebApplication app)
    {
        var users = app.Services.GetRequiredService<UserStore>();
        var now = DateTimeOffset.UtcNow;
        var url = (app.Urls.FirstOrDefault() ?? JuliaOptions.DefaultUrl).TrimEnd('/');
        var logins = new[] { ("operador@demo.local", "Operadora Demo", ConsoleRoles.Operator), ("admin@demo.local", "Admin Demo", ConsoleRoles.Admin),
                             ("leitura@demo.local", "Leitura Demo", ConsoleRoles.Viewer) }
            .Select(u => (u.Item1, u.Item3, Password: ConsoleCli.NewPassword(), u.Item2)).ToList();
        foreach (var u in logins) users.CreateAsync(u.Item1, u.Item4, u.Item2, u.Password, now, CancellationToken.None).GetAwaiter().GetResult();
        System.Console.WriteLine($"""

              Console: {url}/console  (demo logins, new passwords at each start)
            {string.Join(Environment.NewLine, logins.Select(u => $"    {u.Item2,-9} {u.Item1,-22} {u.Password}"))}

            """);
    }

    static readonly Dictionary<string, byte[]> Assets = new();

    static IResult Asset(string name, string type)
    {
        byte[] bytes;
        lock (Assets)
            if (!Assets.TryGetValue(name, out bytes!))
            {
                using var s = typeof(ConsoleSetup).Assembly.GetManifestResourceStream("Julia.Server.Console." + name)!;
                using var m = new MemoryStream();
                s.CopyTo(m);
                Assets[name] = bytes = m.ToArray();
            }
        return TypedResults.File(bytes, type);
    }
}
