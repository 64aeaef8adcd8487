using Julia.Grains.Connections;
using Julia.Grains.Trust;
using Julia.Providers.Evolution;
using Julia.Providers.Notifiers;
using Julia.Providers.Provisioning;
using Julia.Server.Alerts;
using Julia.Server.Cluster;
using Julia.Server.ConsoleWeb;
using Julia.Server.Database;
using Julia.Server.Health;
using Julia.Server.Http;
using Julia.Server.Inbound;
using Julia.Server.Inbox;
using Julia.Server.Observability;
using Julia.Server.Outbox;
using Julia.Server.Provisioning;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Julia.Server.Configuration;

/// <summary>
/// Every options class, one way: bound from the section it names (<c>Section</c>), checked by its
/// <see cref="IValidateOptions{TOptions}"/> when the host starts, injected as <see cref="IOptions{TOptions}"/>.
/// <see cref="BootOptions"/> reads the same registrations before the container exists.
/// docs/configuration.md has a row per key (a test holds the two together).
/// </summary>
public static class OptionsSetup
{
    public static IServiceCollection AddJuliaOptions(this IServiceCollection services)
    {
        Add<JuliaOptions, JuliaOptionsValidator>(services, JuliaOptions.Section);
        Add<LoggingOptions>(services, LoggingOptions.Section);
        Add<TelemetryOptions>(services, TelemetryOptions.Section);
        Add<MetricsOptions>(services, MetricsOptions.Section);
        Add<HealthOptions>(services, HealthOptions.Section);
        Add<PostgresSettings>(services, PostgresSettings.Section);
        Add<ClusterSettings, ClusterSettingsValidator>(services, ClusterSettings.Section);
        Add<OutboxOptions, OutboxOptionsValidator>(services, OutboxOptions.Section);
        Add<EvolutionOptions, EvolutionOptionsValidator>(services, EvolutionOptions.Section);
        Add<InboxOptions>(services, InboxOptions.Section);
        Add<AgentOptions>(services, AgentOptions.Section);
        Add<TrustOptions>(services, TrustOptions.Section);
        Add<ProvisioningOptions, ProvisioningOptionsValidator>(services, ProvisioningOptions.Section);
        Add<SalvyOptions, SalvyOptionsValidator>(services, SalvyOptions.Section);
        Add<Providers.Meta.MetaOptions>(services, Providers.Meta.MetaOptions.Section);
        Add<HealthMonitorOptions, HealthMonitorOptionsValidator>(services, HealthMonitorOptions.Section);
        Add<AlertsOptions, AlertsOptionsValidator>(services, AlertsOptions.Section);
        Add<SlackOptions, SlackOptionsValidator>(services, SlackOptions.Section);
        Add<TelegramOptions, TelegramOptionsValidator>(services, TelegramOptions.Section);
        Add<ConsoleOptions, ConsoleOptionsValidator>(services, ConsoleOptions.Section);
        Add<ProxySettings, ProxySettingsValidator>(services, ProxySettings.Section);

        // Without a gateway there is nothing to send through and no connection state or standing to ask for: the
        // outbox and the connection health monitor (which also polls Meta numbers' standing) are off.
        services.AddOptions<OutboxOptions>().PostConfigure<IOptions<EvolutionOptions>, IOptions<Providers.Meta.MetaOptions>>((o, evolution, meta) =>
        {
            if (!AnyGateway(evolution.Value, meta.Value)) o.Enabled = false;
        });
        services.AddOptions<HealthMonitorOptions>().PostConfigure<IOptions<EvolutionOptions>, IOptions<Providers.Meta.MetaOptions>>((o, evolution, meta) =>
        {
            if (!AnyGateway(evolution.Value, meta.Value)) o.Enabled = false;
        });
        return services;
    }

    /// <summary>
    /// A gateway is configured: Evolution's server address, or Meta's webhook keys (a verify token or an app secret, which a
    /// deployment with Meta numbers sets to subscribe its webhooks; Meta's Graph address has a default, so it says nothing).
    /// </summary>
    public static bool AnyGateway(EvolutionOptions evolution, Providers.Meta.MetaOptions meta) =>
        evolution.BaseUrl is not null || meta.VerifyToken is not null || meta.AppSecrets.Count > 0;

    static void Add<T>(IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();

    static void Add<T, TValidator>(IServiceCollection services, string section) where T : class where TValidator : class, IValidateOptions<T>
    {
        Add<T>(services, section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
    }
}
