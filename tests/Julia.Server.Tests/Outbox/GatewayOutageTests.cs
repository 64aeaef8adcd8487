using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>
/// Found by deploy/check's "gateway down 2 minutes": with the gateway unreachable every chip fails alike, and a message
/// used to fail for good after its third chip. It now waits for the gateway until it expires.
/// </summary>
[Trait("Category", "Fault")]
public class GatewayOutageTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task A_message_waits_out_a_gateway_outage_instead_of_failing_after_its_last_chip()
    {
        await f.FreshPoolAsync();
        var chips = new[] { await f.ChipAsync(), await f.ChipAsync(), await f.ChipAsync() };
        foreach (var c in chips) f.Sim.SetFaults(c.Instance, new Faults { ErrorRate = 1.0 });
        var (accepted, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "durante a queda", "outage-1");

        // Three chips tried (the most one message may try) and tried again: still waiting, not failed.
        var waiting = await WhileTimePasses(accepted.MessageId, m => m.Attempts >= 5 || m.IsFinal, "the message to be retried past its last chip");
        Assert.False(waiting.IsFinal, $"the message ended {waiting.Status}: {waiting.LastError}");
        Assert.Equal(2, waiting.TriedChips.Length);

        foreach (var c in chips) f.Sim.SetFaults(c.Instance, new Faults());
        var sent = await WhileTimePasses(accepted.MessageId, m => m.SentAt is not null || m.IsFinal, "the message to be sent once the gateway is back");
        Assert.True(sent.SentAt is not null, $"ended {sent.Status}: {sent.LastError}; sent texts: {string.Join(" | ", f.Sim.Sent.Select(x => x.Text))}");
        Assert.Single(f.Sim.Sent, s => s.Text.EndsWith("durante a queda"));
    }

    /// <summary>
    /// Moves the service's clock 20 s at a time (backoffs and breaker cool-downs pass) until <paramref name="done"/>; at most
    /// two simulated hours. After a step that makes the message due, it waits (polling, with a deadline) for the outbox to
    /// act on it: a new attempt, or a next attempt set past the clock.
    /// </summary>
    async Task<Julia.Client.Message> WhileTimePasses(long id, Func<Julia.Client.Message, bool> done, string what)
    {
        var m = await f.AgentApi.GetMessageAsync(id);
        for (int step = 0; step < 360 && !done(m); step++)
        {
            f.Clock.Advance(TimeSpan.FromSeconds(20));
            var before = m;
            if (before.NextAttemptAt is { } due && due > f.Clock.GetUtcNow()) { m = await f.AgentApi.GetMessageAsync(id); continue; }
            m = await Eventually.Until(() => f.AgentApi.GetMessageAsync(id),
                x => done(x) || x.Attempts != before.Attempts || x.NextAttemptAt > f.Clock.GetUtcNow(), TimeSpan.FromSeconds(20), "the outbox to act on the due message");
        }
        return done(m) ? m : throw new TimeoutException($"timed out waiting for {what}");
    }
}
