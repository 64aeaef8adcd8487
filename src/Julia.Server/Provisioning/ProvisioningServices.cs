using Julia.Providers.Provisioning;
using Julia.Grains.Connections;
using Julia.Server.Connections;

namespace Julia.Server.Provisioning;

/// <summary>Provisioning's and the connection health monitor's configuration, read and validated together.</summary>
public sealed record ProvisioningSettings(ProvisioningOptions Provisioning, SalvyOptions Salvy, HealthMonitorOptions HealthMonitor)
{
    public static ProvisioningSettings From(IConfiguration c) => new(
        c.GetSection("Provisioning").Get<ProvisioningOptions>() ?? new(), c.GetSection("Salvy").Get<SalvyOptions>() ?? new(),
        c.GetSection("HealthMonitor").Get<HealthMonitorOptions>() ?? new());

    public IEnumerable<string> Validate() => [.. Provisioning.Validate(), .. Salvy.Validate(), .. HealthMonitor.Validate()];
}

public static class ProvisioningServices
{
    /// <summary>The provisioning worker, the number provider's client and the connection health pass's probe and options.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, ProvisioningSettings settings)
    {
        services.AddSingleton(settings.Provisioning);
        services.AddSingleton(settings.Salvy);
        services.AddSingleton(settings.HealthMonitor);
        // ProvisionStore, QrStore and ConnectionStore come with the grains' stores (the pool manager writes the
        // requests; the chip grain keeps the QR and corrects connections).
        services.AddHttpClient("salvy", c =>
        {
            if (settings.Salvy.BaseUrl is { } url) c.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the client's Polly timeout owns it
        });
        services.AddSingleton<INumberProvider>(sp => new SalvyClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("salvy"), settings.Salvy));
        services.AddSingleton<ProvisioningWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningWorker>());
        // The health pass itself is a grain with its own reminder (ClusterStartup registers it); this is its gateway I/O.
        services.AddSingleton<IConnectionProbe, GatewayProbe>();
        return services;
    }
}
