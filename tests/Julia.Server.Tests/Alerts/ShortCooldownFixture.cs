using Julia.Server.Tests.Infrastructure;
using Npgsql;

namespace Julia.Server.Tests.Alerts;

/// <summary>A node whose Alerts:Cooldown is 5 minutes (the default is 30), on a clock the tests move.</summary>
public sealed class ShortCooldownFixture : IAsyncLifetime
{
    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);
    public ManualClock Clock { get; } = new(ManualClock.MondayNoon);
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;

    TestHost _test = null!;

    public async Task InitializeAsync()
    {
        _test = await TestHost.Builder().Database("alert_cooldown").Clock(Clock)
            .Set("Alerts:Cooldown", "00:05:00").Set("Alerts:Enabled", "false").StartAsync();
        (Host, Db) = (_test.Server, _test.Db);
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
