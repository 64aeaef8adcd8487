using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Demo;

/// <summary>The demo's pool heals itself: its first cycle requests numbers, the worker buys and pairs them, and operators are told.</summary>
public class DemoPoolTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_pool_refills_its_buffer_and_says_so()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("demopool");
        await using var host = await TestHost.Builder().OnDatabase(cs).Args("--demo").Output(output).StartAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM chips") >= 12, what: "the demo pool seeded");
        var http = host.Http("demo-operator-key");

        // The manager runs on the real clock (its minute reminder may get there first: either way, once).
        await host.Get<IGrainFactory>().GetGrain<Julia.Grains.Pool.IPoolGrain>(Julia.Grains.Names.Pool).RunManagerAsync(DateTimeOffset.UtcNow);
        // Three ramp-up and ready numbers of a buffer of ten, two a São Paulo day at most.
        Assert.Equal(2L, await Sql.Scalar<long>(db, "SELECT count(*) FROM provision_requests WHERE requested_by = 'pool-manager'"));
        // The worker buys the numbers from the provider simulator and registers them pending, waiting for their QR.
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM chips WHERE status = 'pending' AND instance LIKE 'julia-p%'") == 2,
            TimeSpan.FromSeconds(30), "two new numbers pending");
        var ops = await http.GetStringAsync("v1/operations?limit=50");
        Assert.Contains("\"provision_requested\"", ops);
        Assert.Contains("\"chip_instance_created\"", ops);
        var pool = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1/pool")).RootElement;
        Assert.Equal("atencao", pool.GetProperty("health").GetString()); // one ready number of three
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, pool.GetProperty("manager").ValueKind);
        // Operators hear that the ready buffer is short, on both simulated channels.
        var slack = host.Get<SlackSimulator>();
        await Eventually.True(() => Task.FromResult(slack.Received.Any(m => m.Text.Contains("reserva de chips prontos baixa"))), TimeSpan.FromSeconds(100),
            "the ready-buffer alert on Slack");
    }
}
