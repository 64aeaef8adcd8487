using Julia.Domain.Alerts;
using Julia.Domain.Sending;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Pool;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Alerts;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Alerts;

/// <summary>A node whose Alerts:Cooldown is 5 minutes (the default is 30), on a clock the tests move.</summary>
public sealed class ShortCooldownFixture : IAsyncLifetime
{
    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);
    public ManualClock Clock { get; } = new(ManualClock.MondayNoon);
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("alert_cooldown");
        Db = NpgsqlDataSource.Create(cs);
        Host = await JuliaHost.StartAsync(cs, Clock, new Dictionary<string, string?> { ["Alerts:Cooldown"] = "00:05:00", ["Alerts:Enabled"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Db.DisposeAsync();
    }
}
