using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Julia.Client;

/// <summary>
/// Joins a .NET process to a Julia Grains cluster as an Orleans client. The nodes' gateways are read
/// from the cluster's membership table in the shared PostgreSQL, so the client follows nodes as they
/// come and go:
/// <code>
/// builder.UseOrleansClient(c => c.UseJuliaCluster(connectionString));
/// var pool = host.Services.GetRequiredService&lt;IClusterClient&gt;().GetGrain&lt;IPoolGrain&gt;(Names.Pool);
/// </code>
/// </summary>
public static class JuliaCluster
{
    public static IClientBuilder UseJuliaCluster(this IClientBuilder client, string connectionString,
                                                 string clusterId = "julia", string serviceId = "julia-grains")
    {
        client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
        client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
        // A node that left is dropped from the gateway list within seconds, not the default minute.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        return client;
    }
}
