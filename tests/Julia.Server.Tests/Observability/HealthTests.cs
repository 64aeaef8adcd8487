using System.Net;
using System.Text.Json;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Auth;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Observability;

public class HealthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Live_and_ready_answer_200_on_a_joined_node_and_deep_reports_a_stopped_gateway()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("health");
        var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions());
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(ManualClock.MondayNoon)).Set("Evolution:BaseUrl", sim.BaseAddress.ToString()).Output(output).StartAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        var key = await new ApiKeyStore(db).CreateAsync("op", ["operator"], DateTimeOffset.UtcNow, default);
        var anonymous = node.Http();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/live")).StatusCode);
        var ready = await anonymous.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readyBody = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", readyBody.GetProperty("status").GetString());
        foreach (var check in new[] { "cluster", "database", "migrations" })
            Assert.Equal("healthy", readyBody.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        // The deep answer is for operators.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("health/deep")).StatusCode);

        var http = node.Http(key);
        var deep = JsonDocument.Parse(await http.GetStringAsync("health/deep")).RootElement;
        var gateway = deep.GetProperty("checks").GetProperty("gateway");
        Assert.Equal("healthy", gateway.GetProperty("status").GetString());
        Assert.True(gateway.GetProperty("latencyMs").GetDouble() >= 0);
        foreach (var check in new[] { "database", "notifiers", "reminders", "queues" })
            Assert.True(deep.GetProperty("checks").TryGetProperty(check, out var c) && c.TryGetProperty("latencyMs", out _), check);

        await sim.DisposeAsync();

        var down = await http.GetAsync("health/deep");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement;
        output.WriteLine(body.ToString());
        gateway = body.GetProperty("checks").GetProperty("gateway");
        Assert.Equal("unhealthy", gateway.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(gateway.GetProperty("lastError").GetString()));
        Assert.True(gateway.TryGetProperty("lastErrorAt", out _));
        Assert.True(gateway.GetProperty("latencyMs").GetDouble() >= 0);
        // Readiness does not depend on the gateway: the node still takes traffic (messages queue).
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/ready")).StatusCode);
    }
}
