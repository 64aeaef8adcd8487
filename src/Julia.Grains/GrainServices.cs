using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Domain.Sending;
using Julia.Grains.Conversations;
using Julia.Grains.Pool;
using Julia.Grains.Selection;
using Julia.Storage.Alerts;
using Julia.Storage.Chips;
using Julia.Storage.Contacts;
using Julia.Storage.Conversations;
using Julia.Storage.Inbox;
using Julia.Storage.Pool;
using Julia.Storage.Selection;
using Julia.Storage.Signals;
using Julia.Storage.Trust;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Julia.Grains;

public static class GrainServices
{
    /// <summary>
    /// What the chip, conversation and pool grains need on a silo: the stores they read and write on
    /// <paramref name="db"/>, this node's chip directory and pool settings, and the selector. The service
    /// clock (<see cref="Clock"/>) is the real one unless the host registered another first.
    /// </summary>
    public static IServiceCollection AddJuliaGrains(this IServiceCollection services, NpgsqlDataSource db, SelectionOptions options, JsonSerializerOptions json)
    {
        services.TryAddSingleton(Clock.Real);
        services.AddSingleton(options);
        services.TryAddSingleton(new AlertPolicy()); // the host registers its configured one first
        services.TryAddSingleton(new SendPolicy()); // likewise (the outbox's settings)
        // The stores that raise alerts at an event take the configured policy, as the monitor does.
        services.AddSingleton(sp => new ChipStore(db, sp.GetRequiredService<AlertPolicy>()));
        services.AddSingleton(new ReservationStore(db));
        services.AddSingleton(new ContactStore(db));
        services.AddSingleton(new OverrideStore(db));
        services.AddSingleton(new ConversationStore(db));
        services.AddSingleton(new InboundStore(db));
        services.AddSingleton(new InboxStore(db));
        services.AddSingleton(new SelectionStore(db, options.Node));
        services.AddSingleton(new PoolStore(db, json));
        services.AddSingleton(sp => new SignalStore(db, sp.GetRequiredService<AlertPolicy>()));
        services.AddSingleton(new TrustStore(db));
        services.AddSingleton(new ManagerStore(db));
        services.TryAddSingleton(sp => new Julia.Storage.Provisioning.ProvisionStore(db, sp.GetRequiredService<AlertPolicy>()));
        // The chip grain keeps the pairing QR and applies the health pass's corrections.
        services.TryAddSingleton(new Julia.Storage.Provisioning.QrStore(db));
        services.TryAddSingleton(new Julia.Storage.Connections.ConnectionStore(db));
        // A Meta chip's standing (quality, health, limits): read once per activation, written on Meta's reports.
        services.TryAddSingleton(sp => new Julia.Storage.Meta.MetaStandingStore(db, sp.GetRequiredService<AlertPolicy>()));
        services.AddSingleton<Manager>();
        services.AddSingleton(new AlertStore(db));
        services.AddSingleton(new MonitorQueries(db));
        services.AddSingleton(new DeliveryStore(db));
        services.AddSingleton<Alerts.AlertMonitor>();
        services.AddSingleton<Trust.TrustPass>();
        services.AddSingleton<ChipDirectory>();
        services.TryAddSingleton(new Julia.Storage.Meta.MetaContactStore(db));
        services.TryAddSingleton(new Julia.Storage.Meta.MetaChipIndex(db));
        services.TryAddSingleton(new Julia.Storage.Meta.PortfolioReachStore(db));
        services.TryAddSingleton(new Julia.Storage.Meta.MetaTemplateStore(db));
        services.AddSingleton<Meta.MetaDirectory>();
        services.AddSingleton<PoolSettings>();
        services.AddSingleton<Selector>();
        return services;
    }
}
