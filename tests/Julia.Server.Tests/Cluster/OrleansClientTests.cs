using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Cluster;

/// <summary>.NET callers may talk to the grains as an Orleans client, finding the nodes through the database.</summary>
public class OrleansClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_orleans_client_finds_a_node_through_the_membership_table_and_calls_a_grain()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("client");
        await using var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero))).Output(output).StartAsync();
        var cycle = await node.Get<IGrainFactory>().GetGrain<IPoolGrain>(Names.Pool).TickAsync(new DateTimeOffset(2026, 11, 23, 15, 7, 0, TimeSpan.Zero));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => Julia.Client.JuliaCluster.UseJuliaCluster(c, cs));
        using var client = builder.Build();
        await client.StartAsync();
        try
        {
            var seen = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IPoolGrain>(Names.Pool).LastCycleAsync();
            // The cycle as the node answered it, read back through the client (the manager's list compares by content).
            Assert.Equal(cycle with { Manager = null }, seen! with { Manager = null });
            Assert.Equal(cycle.Manager!.Moves, seen.Manager!.Moves);
            Assert.Equal(cycle.Manager with { Moves = [] }, seen.Manager with { Moves = [] });
        }
        finally { await client.StopAsync(); }
    }
}
