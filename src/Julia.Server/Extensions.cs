using System.Text.Json;
using System.Text.Json.Serialization;
using Julia.Server.Auth;
using Julia.Server.Pool;
using Julia.Grains;
using Julia.Grains.Selection;
using Julia.Storage.Auth;
using Julia.Storage.Chips;
using Julia.Storage.Contacts;
using Julia.Storage.Conversations;
using Julia.Storage.Operations;
using Julia.Storage.Pool;
using Julia.Storage.Selection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Providers.Meta;
using Julia.Providers.Webhooks;
using Julia.Server.Gateways;
using Julia.Server.Inbound;
using Julia.Server.Inbox;
using Julia.Server.Outbox;
using Julia.Storage.Inbox;
using Julia.Storage.Outbox;
using Julia.Storage.Signals;
using Julia.Storage.Trust;
using Julia.Server.Trust;
using Julia.Grains.Trust;

namespace Julia.Server;

/// <summary>The sending sections of configuration, read and validated together (they constrain each other).</summary>
public sealed record SendingOptions(OutboxOptions Outbox, InboxOptions Inbox, AgentOptions Agent, EvolutionOptions Evolution, TrustOptions Trust)
{
    public static SendingOptions From(IConfiguration c) => new(
        c.GetSection("Outbox").Get<OutboxOptions>() ?? new(), c.GetSection("Inbox").Get<InboxOptions>() ?? new(),
        c.GetSection("Agent").Get<AgentOptions>() ?? new(), c.GetSection("Evolution").Get<EvolutionOptions>() ?? new(),
        c.GetSection("Trust").Get<TrustOptions>() ?? new());

    public IEnumerable<string> Validate() => [.. Outbox.Validate(Evolution), .. Evolution.Validate()];
}

public static class Extensions
{
    /// <summary>How JSON kept in tables (the pool configuration) is written: as the API writes it.</summary>
    static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>
    /// The alert channels and their worker. Registered before <see cref="AddJulia"/>, so the grains' alert monitor
    /// takes the configured policy (cooldown). A channel without configuration is off; with none, alerts are only
    /// in GET /v1/alerts.
    /// </summary>
    public static IServiceCollection AddJuliaAlerts(this IServiceCollection services, Alerts.AlertsOptions alerts)
    {
        services.AddSingleton(alerts);
        services.AddSingleton(alerts.Policy);
        // No request logging on these clients: the webhook URL and the bot's path are secrets.
        if (alerts.Slack.Enabled)
        {
            services.AddHttpClient("slack", c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
            services.AddSingleton<Providers.Notifiers.INotifier>(sp =>
                new Providers.Notifiers.SlackNotifier(sp.GetRequiredService<IHttpClientFactory>().CreateClient("slack"), alerts.Slack));
        }
        if (alerts.Telegram.Enabled)
        {
            services.AddHttpClient("telegram", c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
            services.AddSingleton<Providers.Notifiers.INotifier>(sp =>
                new Providers.Notifiers.TelegramNotifier(sp.GetRequiredService<IHttpClientFactory>().CreateClient("telegram"), alerts.Telegram));
        }
        services.AddSingleton<Alerts.AlertsWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertsWorker>());
        return services;
    }

    /// <summary>Every service the HTTP API and the workers use, on one database.</summary>
    public static IServiceCollection AddJulia(this IServiceCollection services, Database.Database db, JuliaOptions options, SendingOptions sending)
    {
        var node = options.NodeId ?? throw new InvalidOperationException("Julia:NodeId is decided before services are added");
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(db);
        services.AddSingleton(db.DataSource);
        // The service's clock, apart from the one Orleans runs its timers on: tests move this one to any
        // day and hour, and cluster membership must keep real time whatever they do.
        services.TryAddKeyedSingleton(Julia.Grains.Names.Clock, TimeProvider.System);
        services.AddSingleton(sending.Outbox.Policy); // before the grains' default: the chip grains judge sends by it
        services.AddJuliaGrains(db.DataSource, new SelectionOptions(node, options.SnapshotTtl, options.CandidatesPerTry), StoredJson);

        services.AddSingleton<OperationStore>();
        services.AddSingleton<ApiKeyStore>();

        services.AddSingleton(sp => new OutboxStore(db.DataSource, node));
        services.AddSingleton<LidStore>();
        services.AddSingleton<ChipGateways>();

        services.AddHostedService<ChangeListener>();

        services.AddSingleton(sending.Outbox);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(sending.Outbox));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(sending.Inbox));
        services.AddSingleton(sending.Agent);
        services.AddSingleton(sending.Evolution);
        services.AddHttpClient("agent");
        services.AddHttpClient("evolution", c =>
        {
            if (sending.Evolution.BaseUrl is { } url) c.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the Polly pipeline owns timeouts
        });
        services.AddHttpClient(MetaWebhooks.Name, (sp, c) =>
        {
            c.BaseAddress = new Uri(sp.GetRequiredService<MetaOptions>().GraphBaseUrl.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the client owns its timeout
        });
        services.AddSingleton(sp => new MetaClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(MetaWebhooks.Name),
            sp.GetRequiredService<MetaOptions>().AttemptTimeout));
        services.AddSingleton<IMessageGateway, ProviderGateways>();
        services.AddSingleton<EvolutionClient>(sp => new EvolutionClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("evolution"), sending.Evolution));
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        // Each gateway's webhooks plug in here; the webhook endpoint and the inbox worker take them all.
        services.AddSingleton<IChipKeys>(sp => sp.GetRequiredService<ChipGateways>());
        services.AddSingleton<ILidBook, LidBook>();
        services.AddSingleton<IGatewayWebhooks, EvolutionWebhooks>();
        services.AddOptions<MetaOptions>().BindConfiguration(MetaOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetaOptions>>().Value);
        services.AddSingleton<Julia.Storage.Meta.MetaChipStore>();
        services.AddSingleton<IMetaChips, MetaChipKeys>();
        services.AddSingleton<IGatewayWebhooks, MetaWebhooks>();
        services.AddSingleton<InboxRouter>();
        services.AddSingleton<InboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWorker>());
        services.AddSingleton(sending.Trust);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(sending.Trust));
        services.AddSingleton<TrustWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TrustWorker>());
        services.AddSingleton<AgentForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentForwarder>());

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        // Binding errors throw, so ErrorHandling can answer them as problem+json with a code.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        services.AddAuthentication(ApiKeyAuthHandler.SchemeName)
            .AddScheme<ApiKeyAuthOptions, ApiKeyAuthHandler>(ApiKeyAuthHandler.SchemeName, o => o.Demo = options.Demo);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Scopes.AgentPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.Agent, Scopes.Admin))
            .AddPolicy(Scopes.OperatorPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.Operator, Scopes.Admin))
            .AddPolicy(Scopes.AnyPolicy, p => p.RequireClaim(Scopes.ClaimType, Scopes.All));
        services.AddOpenApi();
        return services;
    }
}
