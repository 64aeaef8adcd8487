using Julia.Server.Alerts;
using Julia.Server.Chips;
using Julia.Server.Cluster;
using Julia.Server.Configuration;
using Julia.Server.ConsoleWeb;
using Julia.Server.Contacts;
using Julia.Server.Conversations;
using Julia.Server.Demo;
using Julia.Server.Health;
using Julia.Server.Http;
using Julia.Server.Inbound;
using Julia.Server.Inbox;
using Julia.Server.Observability;
using Julia.Server.Operations;
using Julia.Server.Outbox;
using Julia.Server.Pool;
using Julia.Server.Provisioning;
using Julia.Server.Selection;
using Julia.Server.Templates;
using Julia.Storage.Demo;
using Serilog;

namespace Julia.Server;

/// <summary>Builds the service: configuration, database, services, HTTP pipeline.</summary>
public static class JuliaApp
{
    /// <param name="logSink">Also receives every log event (test hosts put the server's log into the test's output).</param>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null,
                                                         Serilog.Core.ILogEventSink? logSink = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // --demo is short for Julia:Demo=true on the command line (which outranks files and the environment).
            Args = [.. args.Select(a => a == "--demo" ? $"--{JuliaOptions.Section}:{nameof(JuliaOptions.Demo)}=true" : a)],
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(JuliaOptions.DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);

        // What the user's configuration says, then the defaults decided now (node name, the demo's simulators) on top
        // of what it leaves unset; every section is validated before the database is touched.
        var given = BootOptions.Read(builder.Configuration);
        var demoMode = given.Get<JuliaOptions>().Demo;
        var logger = JuliaLogging.Create(given.Get<LoggingOptions>(), demoMode, builder.Environment, logSink);
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        var demo = demoMode ? await DemoSimulators.StartAsync(given, builder.Configuration["urls"]) : null;
        StartupDefaults.Add(builder.Configuration, given, demo);
        var boot = BootOptions.Read(builder.Configuration);
        boot.Validate();
        var options = boot.Get<JuliaOptions>();
        if (!Configuration.OptionsSetup.AnyGateway(boot.Get<Providers.Evolution.EvolutionOptions>(), boot.Get<Providers.Meta.MetaOptions>()))
            logger.Warning("Sending and connection checks are off: set Evolution:BaseUrl to the Evolution API server, or Meta's webhook keys");

        using var bootLogs = LoggerFactory.Create(l => l.AddSerilog(logger));
        var db = await Database.Database.OpenAsync(builder.Configuration, boot, bootLogs, ct);
        builder.Services.AddJuliaOptions();
        if (demo?.Meta is { } metaSimulator) builder.Services.AddSingleton(metaSimulator);
        if (demo is { Slack: { } slack, Telegram: { } telegram })
        {
            builder.Services.AddSingleton(slack);
            builder.Services.AddSingleton(telegram);
        }
        // The silo first: hosted services start in order and stop in reverse, so the workers that call
        // grains start after the silo is active and stop before it leaves.
        builder.Services.AddJuliaAlerts(boot);
        builder.AddJuliaCluster(db.DataSource, boot.Get<ClusterSettings>(), options.NodeId!);
        builder.Services.AddJulia(db, options);
        builder.Services.AddProvisioning();
        builder.AddJuliaTelemetry(options.NodeId!, boot.Get<TelemetryOptions>());
        builder.Services.AddJuliaHealth();
        builder.Services.AddJuliaApiDocs();
        builder.AddJuliaConsole(boot.Get<ConsoleOptions>());

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() => db.DisposeAsync().AsTask().GetAwaiter().GetResult());
        if (demo?.Salvy is { } salvy) app.Lifetime.ApplicationStopped.Register(() => salvy.DisposeAsync().AsTask().GetAwaiter().GetResult());

        if (options.Demo)
        {
            var time = app.Services.GetRequiredService<Julia.Grains.Clock>();
            if (await DemoSeed.SeedAsync(db.DataSource, time.GetUtcNow(), ct))
                app.Logger.LogInformation("Seeded the demo pool: {Chips} chips, {Contacts} contacts", DemoSeed.ChipCount, DemoSeed.ContactCount);
            app.Lifetime.ApplicationStarted.Register(() => PrintDemoBanner(app));
            if (demo?.Evolution is { } simulator) await Demo.DemoGateway.AttachAsync(app, simulator);
            if (demo?.Meta is { } meta) await Demo.DemoMeta.AttachAsync(app, meta);
            if (demo is { Slack: { } s, Telegram: { } t }) Demo.DemoAlerts.Attach(app, s, t);
        }

        app.UseJuliaProxies();
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<ErrorHandling>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapJuliaApiDocs();
        app.MapJuliaMetrics();
        app.MapGet("/", () => TypedResults.Ok(new { service = "julia-grains", openapi = "/openapi/v1.json", health = "/health/ready" }))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapHealth();
        app.MapChips();
        app.MapContacts();
        app.MapContactOverrides();
        app.MapConversations();
        app.MapSelections();
        app.MapPool();
        app.MapOperations();
        app.MapMessages();
        app.MapTemplates();
        app.MapWebhooks();
        app.MapMetaVerification();
        app.MapInbound();
        app.MapAlerts();
        app.MapProvisioning();
        app.MapChipQr();
        app.MapJuliaConsole();
        return app;
    }

    static void PrintDemoBanner(WebApplication app)
    {
        var url = app.Urls.FirstOrDefault() ?? JuliaOptions.DefaultUrl;
        Console.WriteLine($"""

            Julia Grains demo is running at {url}
              OpenAPI:  {url}/openapi/v1.json
              API keys (demo mode, loopback only):
                agent     demo-agent-key
                operator  demo-operator-key
                admin     demo-admin-key
              Try: curl -H 'Authorization: Bearer demo-operator-key' {url}/v1/pool

            """);
    }
}
