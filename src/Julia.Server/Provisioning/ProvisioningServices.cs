using Julia.Grains.Connections;
using Julia.Providers.Provisioning;
using Julia.Server.Connections;
using Microsoft.Extensions.Options;

namespace Julia.Server.Provisioning;

public static class ProvisioningServices
{
    /// <summary>The provisioning worker, the number provider's client and the connection health pass's probe.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        // ProvisionStore, QrStore and ConnectionStore come with the grains' stores (the pool manager writes the
        // requests; the chip grain keeps the QR and corrects connections).
        services.AddHttpClient("salvy", (sp, c) =>
        {
            if (sp.GetRequiredService<IOptions<SalvyOptions>>().Value.BaseUrl is { } url) c.BaseAddress = new Uri(url.TrimEnd('/') + "/");
            c.Timeout = Timeout.InfiniteTimeSpan; // the client's Polly timeout owns it
        });
        services.AddSingleton<INumberProvider>(sp => new SalvyClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("salvy"),
                                                                     sp.GetRequiredService<IOptions<SalvyOptions>>().Value));
        services.AddSingleton<ProvisioningWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningWorker>());
        // The health pass itself is a grain with its own reminder (ClusterStartup registers it); this is its gateway I/O.
        services.AddSingleton<IConnectionProbe, GatewayProbe>();
        return services;
    }
}
