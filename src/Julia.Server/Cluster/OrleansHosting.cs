using Julia.Grains;
using Julia.Storage.Local;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Julia.Server.Cluster;

/// <summary>
/// The node is an Orleans silo co-hosting the HTTP front end. Membership, grain state and reminders all
/// live in the service's PostgreSQL (the schema is ours: sql/0006_orleans.sql) and go through the one
/// NpgsqlDataSource the rest of the node uses.
/// </summary>
public static class OrleansHosting
{
    public static WebApplicationBuilder AddJuliaCluster(this WebApplicationBuilder builder, NpgsqlDataSource db, ClusterSettings settings, string nodeId)
    {
        var address = OwnAddress.Resolve(settings.AdvertisedAddress);
        int siloPort = settings.SiloPort == 0 ? LocalPorts.Next(address) : settings.SiloPort;
        int gatewayPort = settings.GatewayPort == 0 ? LocalPorts.Next(address) : settings.GatewayPort;
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
            silo.Configure<SiloOptions>(o => o.SiloName = nodeId); // the membership table names nodes as the logs do
            silo.ConfigureEndpoints(address, siloPort, gatewayPort);
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.DataSource = db; });
            silo.UseAdoNetReminderService(o => { o.Invariant = "Npgsql"; o.DataSource = db; });
            silo.AddAdoNetGrainStorage(Names.Storage, o =>
            {
                o.Invariant = "Npgsql";
                o.DataSource = db;
            });
            // State as JSON (readable with convert_from(payloadbinary, 'UTF8')::jsonb), not Newtonsoft's default.
            silo.Services.AddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(Names.Storage);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // A crashed node is declared dead in 3–4 s on an idle machine; under load the adaptive probe
                // timeout stretches (up to ~12 s) instead of evicting a slow but healthy node.
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 2;
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            });
            // Trace context crosses grain calls, so a request's trace reaches the grains and the SQL they run.
            silo.AddActivityPropagation();
            silo.Services.AddSingleton<SiloReadiness>();
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
        });
        builder.Services.AddHostedService<ClusterStartup>();
        return builder;
    }
}
