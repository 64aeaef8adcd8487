using System.Text.Json;
using System.Text.Json.Serialization;
using Julia.Grains;
using Julia.Grains.Selection;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Providers.Meta;
using Julia.Providers.Notifiers;
using Julia.Providers.Webhooks;
using Julia.Server.Auth;
using Julia.Server.Configuration;
using Julia.Server.Gateways;
using Julia.Server.Inbound;
using Julia.Server.Inbox;
using Julia.Server.Outbox;
using Julia.Server.Pool;
using Julia.Server.Trust;
using Julia.Storage.Auth;
using Julia.Storage.Inbox;
using Julia.Storage.Operations;
using Julia.Storage.Outbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Julia.Server;

public static class Extensions
{
    /// <summary>How JSON kept in tables (the pool configuration) is written: as the API writes it.</summary>
    static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// The alert channels and their worker. Registered before <see cref="AddJulia"/>, so the grains' alert monitor
    /// takes the configured policy (cooldown). A channel without configuration is off; with none, alerts are only
    /// in GET /v1/alerts.
    /// </summary>
    /// <param name="boot">Which channels are configured, so only those are registered.</param>
    public static IServiceCollection AddJuliaAlerts(this IServiceCollection services, BootOptions boot)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<Alerts.AlertsOptions>>().Value.Policy);
        // No request logging on these clients: the webhook URL and the bot's path are secrets.
        if (boot.Get<SlackOptions>().Enabled)
        {
            services.AddHttpClient("slack", c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
            services.AddSingleton<INotifier>(sp =>
                new SlackNotifier(sp.GetRequiredService<IHttpClientFactory>().CreateClient("slack"), sp.GetRequiredService<IOptions<SlackOptions>>().Value));
        }
        if (boot.Get<TelegramOptions>().Enabled)
        {
            services.AddHttpClient("telegram", c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
            services.AddSingleton<INotifier>(sp =>
                new TelegramNotifier(sp.GetRequiredService<IHttpClientFactory>().CreateClient("telegram"),
                    sp.GetRequiredService<IOptions<TelegramOptions>>().Value));
        }
        services.AddSingleton<Alerts.AlertsWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertsWorker>());
        return services;
    }

    /// <summary>Every service the HTTP API and the workers use, on one database.</summary>
    /// <param name="options">This node's name and the chip directory's settings, for the services built here.</param>
    public static IServiceCollection AddJulia(this IServiceCollection services, Database.Database db, JuliaOptions options)
    {
        var node = options.NodeId ?? throw new InvalidOperationException("Julia:NodeId is decided before services are added");
        services.AddSingleton(db);
        services.AddSingleton(db.DataSource);
        // The service's clock, apart from the one Orleans runs its timers on: tests move this one to any
        // day and hour, and cluster membership must keep real time whatever they do.
        services.TryAddSingleton(Julia.Grains.Clock.Real);
        // Before the grains' default: the chip grains judge sends by it.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<OutboxOptions>>().Value.Policy);
        services.AddJuliaGrains(db.DataSource, new SelectionOptions(node, options.SnapshotTtl, options.CandidatesPerTry), StoredJson);

        services.AddSingleton<OperationStore>();
        services.AddSingleton<ApiKeyStore>();

        services.AddSingleton(sp => new OutboxStore(db.DataSource, node));
        services.AddSingleton<LidStore>();
        services.AddSingleton<ChipGateways>();

        services.AddHostedService<ChangeListener>();

        services.AddHttpClient("agent");
        services.AddHttpClient("evolution", (sp, c) =>
        {
            if (sp.GetRequiredService<IOptions<EvolutionOptions>>().Value.BaseUrl is { } url) c.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the Polly pipeline owns timeouts
        });
        services.AddHttpClient(MetaWebhooks.Name, (sp, c) =>
        {
            c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<MetaOptions>>().Value.GraphBaseUrl.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the client owns its timeout
        });
        services.AddSingleton(sp => new MetaClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(MetaWebhooks.Name),
            sp.GetRequiredService<IOptions<MetaOptions>>().Value.AttemptTimeout));
        services.AddSingleton(sp => new MetaTemplates(sp.GetRequiredService<IHttpClientFactory>().CreateClient(MetaWebhooks.Name)));
        services.AddSingleton<Templates.TemplateSync>();
        services.AddHostedService(sp => sp.GetRequiredService<Templates.TemplateSync>());
        services.AddSingleton<IMessageGateway, ProviderGateways>();
        services.AddSingleton<EvolutionClient>(sp => new EvolutionClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("evolution"), sp.GetRequiredService<IOptions<EvolutionOptions>>().Value,
            clock: sp.GetRequiredService<Clock>()));
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        // Each gateway's webhooks plug in here; the webhook endpoint and the inbox worker take them all.
        services.AddSingleton<IChipKeys>(sp => sp.GetRequiredService<ChipGateways>());
        services.AddSingleton<ILidBook, LidBook>();
        services.AddSingleton<IGatewayWebhooks, EvolutionWebhooks>();
        services.AddSingleton<Julia.Storage.Meta.MetaChipStore>();
        services.AddSingleton<IMetaChips, MetaChipKeys>();
        services.AddSingleton<Julia.Grains.Connections.IMetaStandingProbe, Connections.MetaStandingProbe>();
        services.AddSingleton<IGatewayWebhooks, MetaWebhooks>();
        services.AddSingleton<InboxRouter>();
        services.AddSingleton<InboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWorker>());
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
