using System.Diagnostics;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Pool;

/// <summary>Replacement on a running node, in real time: from losing an active number to its replacement sending the next message.</summary>
public class ReplacementTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _attached = f.Attach(output);

    [Fact]
    public async Task A_lost_active_number_is_replaced_and_the_doctor_hears_the_announcement_from_the_new_one_within_a_minute()
    {
        await f.FreshPoolAsync();
        await f.Operator.PutPoolConfigAsync(new { targets = new { activeMin = 2, activeMax = 4 }, caps = new { minGapScale = 0.0, operating = new { perHour = 10_000, perDay = 100_000 } } });
        var lost = await f.ChipAsync(trust: 99, ddd: 11);
        var other = await f.ChipAsync(trust: 90, ddd: 21);
        var spare = await f.ChipAsync(trust: 95, ddd: 11);
        await Sql.Exec(f.Db, "UPDATE chips SET status = 'ready' WHERE id = @id", ("id", spare.Id));
        f.Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();

        var doctor = f.NewContact();
        var (first, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "primeira", $"replace-1-{lost.Id}");
        await Eventually.True(() => Task.FromResult(f.Sim.Sent.Any(s => s.Text == "primeira")), what: "the first message sent");
        Assert.Equal(lost.Instance, f.Sim.Sent.Single(s => s.Text == "primeira").Instance);

        var clock = Stopwatch.StartNew();
        await f.Operator.RetireChipAsync(lost.Id, "número cancelado pela operadora");
        await Eventually.True(async () => (await f.Operator.GetChipAsync(spare.Id)).Status == "active", TimeSpan.FromSeconds(60), "the spare promoted");
        // The manager moves the doctor's conversation right after the promotion (same area code as the doctor).
        await Eventually.True(async () => (await f.AgentApi.GetConversationAsync(doctor)).ChipId == spare.Id, TimeSpan.FromSeconds(60), "the conversation moved");
        var (second, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "segunda", $"replace-2-{lost.Id}");
        var sent = await Eventually.Until(() => Task.FromResult(f.Sim.Sent.FirstOrDefault(s => s.Text.EndsWith("segunda"))), s => s is not null,
            TimeSpan.FromSeconds(60), "the next message sent");
        var took = clock.Elapsed;
        output.WriteLine($"replacement: {took.TotalMilliseconds:0} ms from retiring the number to the doctor's next message leaving the new one");

        Assert.Equal(spare.Instance, sent!.Instance);
        Assert.Equal("Oi! Aqui é a Julia; este é meu novo número.\n\nsegunda", sent.Text);
        Assert.True(took < TimeSpan.FromSeconds(60), $"took {took}");
        var ops = await f.Operator.ListOperationsAsync(spare.Id);
        Assert.Contains(ops, o => o is { Actor: "pool-manager", Action: "chip_promoted" });
        Assert.Equal("active", (await f.Operator.GetChipAsync(other.Id)).Status); // the other active number is untouched
        // Operators hear of the retirement (a person resolves it: a retirement is final).
        Assert.Equal(1L, await f.Scalar<long>("SELECT count(*) FROM alerts WHERE kind = 'chip_retired' AND chip_id = @id AND resolved_at IS NULL", ("id", lost.Id)));
    }
}
