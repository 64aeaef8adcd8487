using Julia.Grains.Connections;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Demo;

/// <summary>
/// The demo's gateway simulator serves every chip the connection health pass asks about. (It once learnt only the
/// connected chips: the seed's pending chip, and any number bought in an earlier run, answered 401 to every pass,
/// and the demo's log warned every two minutes that the gateway gave no state for them.)
/// </summary>
public class DemoGatewayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_health_pass_gets_a_state_for_every_demo_chip_that_agrees_with_its_flag_also_after_a_restart()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("demogateway");
        await using (var first = await TestHost.Builder().OnDatabase(cs).Args("--demo").Output(output).StartAsync())
            await AssertEveryChipAnswersAsync(first, 12);

        // Numbers from an earlier run (bought, still waiting for their QR; or lost their connection): the new
        // simulator never created their instances, the database is all it knows them from.
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        await Seed.ChipAsync(db, DateTimeOffset.UtcNow, "pending", connected: false);
        await Seed.ChipAsync(db, DateTimeOffset.UtcNow, "active", connected: false);
        await using var second = await TestHost.Builder().OnDatabase(cs).Args("--demo").Output(output).StartAsync();
        await AssertEveryChipAnswersAsync(second, 14);
    }

    static async Task AssertEveryChipAnswersAsync(TestHost host, int atLeast)
    {
        var asked = await host.Get<IConnectionProbe>().AskAsync(CancellationToken.None);
        Assert.Empty(asked.Failures);
        Assert.True(asked.Checked >= atLeast, $"only {asked.Checked} chip(s) asked");
        Assert.Equal(asked.Checked, asked.Answers.Count);
        // No correction either: the gateway's state is the one each chip's row already has.
        Assert.All(asked.Answers, a => Assert.True((a.State == "open") == a.Connected, $"chip {a.Id} ({a.Instance}) is {a.State}, connected = {a.Connected}"));
    }
}
