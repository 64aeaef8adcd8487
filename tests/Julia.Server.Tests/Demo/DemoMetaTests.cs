using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Demo;

/// <summary>
/// The demo pool mixes gateways: three numbers on Meta's Cloud API (its simulator batching, reordering and duplicating
/// statuses as Meta may) beside the Evolution ones, under one selection. The demo agent's messages to doctors whose
/// window is closed go as its approved templates; its answers to doctors who wrote go as free text inside the window.
/// </summary>
public class DemoMetaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_s_meta_numbers_send_templates_outside_the_window_and_text_inside_and_their_statuses_settle()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("demometa");
        await using var host = await TestHost.Builder().OnDatabase(cs).Args("--demo").Output(output).StartAsync();
        var op = host.Client("demo-operator-key");
        var meta = (await op.ListChipsAsync()).Where(c => c.Provider == "meta").ToList();
        Assert.Equal(3, meta.Count);
        Assert.All(meta, c => Assert.Equal("active", c.Status));

        // The first template sync read the simulator's two approved templates for the WABA.
        var templates = await Eventually.Until(() => op.ListTemplatesAsync(), t => t.Count >= 2, TimeSpan.FromSeconds(30), "the templates synced");
        Assert.Equal([("demo_convite_plantao", "MARKETING", "APPROVED"), ("demo_retomada", "UTILITY", "APPROVED")],
            templates.OrderBy(t => t.Name).Select(t => (t.Name, t.Category, t.Status)));

        // Any day, any hour: business-initiated messages may go all week for this test (the demo keeps the pool's default window).
        await op.PutPoolConfigAsync(new { window = new { start = "00:00:00", end = "23:59:59", days = new[] { 0, 1, 2, 3, 4, 5, 6 } } });

        var sim = host.Get<MetaSimulator>();
        await Eventually.True(() => Task.FromResult(sim.Sent.Any(s => Type(s) == "template") && sim.Sent.Any(s => Type(s) == "text")),
            TimeSpan.FromSeconds(150), "a template and a text through the Meta numbers");
        Assert.Equal(0, sim.Answered(131047) + sim.Answered(132000) + sim.Answered(132001) + sim.Answered(131056));
        // Free text only to a doctor who wrote to that number (its window open); templates only those the agent names.
        Assert.All(sim.Sent.Where(s => Type(s) == "text"), s => Assert.Contains(s.Body["to"]!.GetValue<string>().TrimStart('+'), sim.WroteTo(s.PhoneNumberId)));
        Assert.All(sim.Sent.Where(s => Type(s) == "template"),
            s => Assert.Contains(s.Body["template"]!["name"]!.GetValue<string>(), new[] { "demo_convite_plantao", "demo_retomada" }));

        // Every message the simulator accepted settles on our side, whatever order and however often its statuses came.
        await using var db = Npgsql.NpgsqlDataSource.Create(cs);
        await Eventually.True(async () => await Sql.Scalar<long>(db, """
            SELECT count(*) FROM messages m JOIN chips c ON c.id = m.chip_id
            WHERE c.provider = 'meta' AND m.status IN ('delivered', 'read')
            """) >= 2, TimeSpan.FromSeconds(30), "Meta messages delivered");
        Assert.Equal(0L, await Sql.Scalar<long>(db, """
            SELECT count(*) FROM messages m JOIN chips c ON c.id = m.chip_id WHERE c.provider = 'meta' AND m.status = 'failed'
            """));
    }

    static string? Type(MetaSent s) => s.Body["type"]?.GetValue<string>();
}
