using Julia.Server.Chips;
using Julia.Server.Contacts;
using Julia.Server.Conversations;
using Julia.Server.Health;
using Julia.Server.Http;
using Julia.Server.Operations;
using Julia.Server.Pool;
using Julia.Server.Selection;
using Julia.Server.Outbox;
using Julia.Server.Inbox;
using Julia.Server.Inbound;
using Julia.Server.Alerts;
using Julia.Server.Cluster;
using Julia.Server.Provisioning;
using Julia.Server.Observability;
using Julia.Server.ConsoleWeb;
using Julia.Storage.Demo;
using Serilog;
using Serilog.Events;

namespace Julia.Server;

/// <summary>Builds the service: configuration, database, services, HTTP pipeline.</summary>
public static class JuliaApp
{
    /// <param name="logSink">Also receives every log event (test hosts put the server's log into the test's output).</param>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default,
                                                         Serilog.Core.ILogEventSink? logSink = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--demo").ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (args.Contains("--demo")) builder.Configuration["Julia:Demo"] = "true";
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(JuliaOptions.DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);

        var logger = Observability.JuliaLogging.Create(builder.Configuration, builder.Environment, logSink);
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);

        var options = builder.Configuration.GetSection("Julia").Get<JuliaOptions>() ?? new JuliaOptions();
        // One name per process, used by audit rows, leases and the leader election alike.
        options.NodeId ??= $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x1000, 0xFFFF):x}";
        Simulator.EvolutionSimulator? simulator = null;
        if (options.Demo && string.IsNullOrEmpty(builder.Configuration["Evolution:BaseUrl"]))
        {
            // The demo sends through the gateway simulator; its webhooks come back to this service.
            simulator = await Simulator.EvolutionSimulator.StartAsync(new Simulator.SimulatorOptions());
            builder.Configuration["Evolution:BaseUrl"] = simulator.BaseAddress.ToString();
        }
        Simulator.SalvySimulator? salvy = null;
        if (options.Demo && string.IsNullOrEmpty(builder.Configuration["Salvy:BaseUrl"]))
        {
            // The demo buys numbers from the provider simulator (operators' POST /v1/provisioning).
            salvy = await Simulator.SalvySimulator.StartAsync("demo-salvy-key", firstNumber: Random.Shared.Next(1, 9_000_000));
            builder.Configuration["Salvy:BaseUrl"] = salvy.BaseAddress.ToString();
            builder.Configuration["Salvy:ApiKey"] = salvy.ApiKey;
        }
        Simulator.SlackSimulator? slack = null;
        Simulator.TelegramSimulator? telegram = null;
        if (options.Demo && string.IsNullOrEmpty(builder.Configuration["Alerts:Slack:WebhookUrl"]) && string.IsNullOrEmpty(builder.Configuration["Alerts:Telegram:BotToken"]))
        {
            // The demo's alerts visibly reach both channels' simulators; DemoAlerts writes what they receive to the log.
            slack = await Simulator.SlackSimulator.StartAsync();
            telegram = await Simulator.TelegramSimulator.StartAsync();
            builder.Configuration["Alerts:Slack:WebhookUrl"] = slack.WebhookUrl;
            builder.Configuration["Alerts:Telegram:BaseUrl"] = telegram.BaseAddress.ToString();
            builder.Configuration["Alerts:Telegram:BotToken"] = telegram.Token;
            builder.Configuration["Alerts:Telegram:ChatId"] = telegram.ChatId;
            builder.Services.AddSingleton(slack);
            builder.Services.AddSingleton(telegram);
        }
        var alerts = builder.Configuration.GetSection("Alerts").Get<Alerts.AlertsOptions>() ?? new();
        var sending = SendingOptions.From(builder.Configuration);
        if (sending.Evolution.BaseUrl is null && sending.Outbox.Enabled)
        {
            sending = sending with { Outbox = new Outbox.OutboxOptions { Enabled = false } };
            logger.Warning("Sending and connection checks are off: set Evolution:BaseUrl to the Evolution API server");
        }
        var cluster = builder.Configuration.GetSection("Orleans").Get<Cluster.ClusterSettings>() ?? new();
        var provisioning = Provisioning.ProvisioningSettings.From(builder.Configuration);
        // Without a gateway there is no connection state to ask for: the monitor would fail every pass.
        if (sending.Evolution.BaseUrl is null) provisioning.HealthMonitor.Enabled = false;
        if (provisioning.Provisioning.WebhookUrl is null && options.Demo)
            provisioning.Provisioning.WebhookUrl = (builder.Configuration["urls"]?.Split(';')[0] ?? JuliaOptions.DefaultUrl).TrimEnd('/') + "/webhooks/evolution";
        var problems = options.Validate().Concat(sending.Validate()).Concat(cluster.Validate()).Concat(provisioning.Validate()).Concat(alerts.Validate()).ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Invalid configuration: " + string.Join("; ", problems));

        using var bootLogs = LoggerFactory.Create(l => l.AddSerilog(logger));
        var db = await Database.Database.OpenAsync(builder.Configuration, options, bootLogs, ct);
        // The silo first: hosted services start in order and stop in reverse, so the workers that call
        // grains start after the silo is active and stop before it leaves.
        builder.Services.AddJuliaAlerts(alerts);
        builder.AddJuliaCluster(db.DataSource, cluster, options.NodeId);
        builder.Services.AddJulia(db, options, sending);
        builder.Services.AddProvisioning(provisioning);
        builder.AddJuliaTelemetry(options.NodeId);
        builder.Services.AddJuliaHealth();
        builder.Services.AddJuliaApiDocs();
        builder.AddJuliaConsole();

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() => db.DisposeAsync().AsTask().GetAwaiter().GetResult());
        if (salvy is not null) app.Lifetime.ApplicationStopped.Register(() => salvy.DisposeAsync().AsTask().GetAwaiter().GetResult());

        if (options.Demo)
        {
            var time = app.Services.GetRequiredKeyedService<TimeProvider>(Julia.Grains.Names.Clock);
            if (await DemoSeed.SeedAsync(db.DataSource, time.GetUtcNow(), ct))
                app.Logger.LogInformation("Seeded the demo pool: 12 chips, {Contacts} contacts", DemoSeed.ContactCount);
            app.Lifetime.ApplicationStarted.Register(() => PrintDemoBanner(app));
            if (simulator is not null) await Demo.DemoGateway.AttachAsync(app, simulator);
            if (slack is not null && telegram is not null) Demo.DemoAlerts.Attach(app, slack, telegram);
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
