using Julia.Client;
using Julia.Simulator;
using Npgsql;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// The service with the Evolution and Salvy simulators on loopback, on its own database; the provisioning
/// worker and the health monitor do not loop (tests run their passes), and the clock is frozen where a test puts it.
/// </summary>
public sealed class ProvisioningFixture : IAsyncLifetime
{
    public const string SalvyKey = TestHostBuilder.SalvyKey;
    public OffsetClock Clock { get; } = new(ManualClock.MondayNoon);
    public EvolutionSimulator Sim { get; private set; } = null!;
    public SalvySimulator Salvy { get; private set; } = null!;
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public JuliaClient Operator { get; private set; } = null!;
    public string OperatorKey { get; private set; } = null!;

    TestHost _test = null!;

    public async Task InitializeAsync()
    {
        Clock.Freeze(ManualClock.MondayNoon);
        _test = await TestHost.Builder().Database("prov").Clock(Clock)
            .Evolution(new SimulatorOptions
            {
                Clock = Clock,
                ReplyProbability = 0,
                Receipts = false,
                WebhookRetryDelay = TimeSpan.FromMilliseconds(100),
                GlobalApiKey = "evo-global-key",
            })
            .Salvy()
            .Set(new Dictionary<string, string?>
            {
                ["Evolution:ApiKey"] = "evo-global-key",
                ["Evolution:AttemptTimeout"] = "00:00:02",
                ["Evolution:Retries"] = "0",
                ["Salvy:AttemptTimeout"] = "00:00:05",
                ["Provisioning:Enabled"] = "false",
                ["Provisioning:MaxAttempts"] = "5",
                ["Provisioning:RetryBaseDelay"] = "00:01:00",
                ["Provisioning:Lease"] = "00:05:00",
                ["HealthMonitor:Enabled"] = "false",
                ["HealthMonitor:CallTimeout"] = "00:00:02",
                ["Inbox:PollInterval"] = "00:00:00.050",
                ["Inbox:RetryBaseDelay"] = "00:00:00.100",
                ["Trust:Enabled"] = "false",
            }).StartAsync();
        (Host, Db, ConnectionString, Sim, Salvy) = (_test.Server, _test.Db, _test.ConnectionString, _test.Evolution!, _test.Salvy!);
        var webhooks = Host.BaseAddress + "webhooks/evolution";
        Host.Get<Microsoft.Extensions.Options.IOptions<Julia.Server.Provisioning.ProvisioningOptions>>().Value.WebhookUrl = webhooks;
        OperatorKey = await _test.KeyAsync("operator", "operator", DateTimeOffset.UtcNow);
        Operator = Host.Client(OperatorKey);
    }

    public sealed record TestChip(long Id, string Instance, string Token);

    /// <summary>A chip in the database and its instance in the simulator, which reports <paramref name="gatewayState"/>.</summary>
    public async Task<TestChip> ChipAsync(bool connected, string gatewayState)
    {
        var id = await Seed.ChipAsync(Db, Clock.GetUtcNow(), connected: connected);
        var (instance, phone) = (await Sql.List(Db, "SELECT instance, phone FROM chips WHERE id = @id", r => (r.GetString(0), r.GetString(1)), ("id", id)))[0];
        var chip = new TestChip(id, instance, "tok-" + instance);
        Sim.AddInstance(new InstanceSpec(instance, chip.Token, "sec-" + instance, phone));
        Sim.SetState(instance, gatewayState);
        return chip;
    }

    /// <summary>Closes every open request another test left, so a pass works on this test's only.</summary>
    public Task CloseOpenRequestsAsync() => Sql.Exec(Db, """
        UPDATE provision_requests SET status = 'failed', finished_at = requested_at, claim_token = NULL, claim_expires_at = NULL
        WHERE status IN ('pending', 'running')
        """);

    public Task<T> Scalar<T>(string sql, params (string, object?)[] args) => Sql.Scalar<T>(Db, sql, args);

    public bool Attach(Xunit.Abstractions.ITestOutputHelper output)
    {
        Host.Log.Output = output;
        return true;
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
