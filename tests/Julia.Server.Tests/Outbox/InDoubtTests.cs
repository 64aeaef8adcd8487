using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>
/// Issue 23: deploy/check's frozen gateway (docker pause) sent 137 messages twice. Each send timed out, the policy sent it
/// again (another chip, or the same one later), and the resumed gateway carried out the first request too. A send that
/// times out is now in doubt: sent nowhere until the gateway's echo, a status naming our id, or its answer when asked
/// after Outbox:InDoubtWait (10 min) settles it.
/// </summary>
[Trait("Category", "Fault")]
public class InDoubtTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);
    const string InDoubtNote = "in doubt: the gateway did not answer; waiting for its confirmation before any new attempt";

    [Fact]
    public async Task A_send_the_gateway_carried_out_without_answering_is_settled_by_its_echo_and_posted_once()
    {
        await f.FreshPoolAsync();
        var chips = new[] { await f.ChipAsync(), await f.ChipAsync() };
        foreach (var c in chips) f.Sim.SetFaults(c.Instance, new Faults { AnswerLate = true });
        var (accepted, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "respondida tarde", "late-" + chips[0].Id);

        var m = await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), x => x.SentAt is not null || x.IsFinal,
            TimeSpan.FromSeconds(30), "the echo to settle the message");
        Assert.Contains(m.Timeline, e => e.Status == "sent" && e.Detail == "confirmed by the gateway's echo of the send");
        var post = Assert.Single(f.Sim.Sent, s => s.Text == "respondida tarde");
        Assert.Equal(post.MessageId, await f.Scalar<string>("SELECT provider_message_id FROM messages WHERE id = @id", ("id", accepted.MessageId)));
        Assert.Contains(m.Timeline, e => e.Status == "in_doubt" && e.Detail == InDoubtNote);
        Assert.Equal("timeout", Assert.Single(m.AttemptLog).Outcome);
        Assert.Empty(m.TriedChips);
        // Its receipts, matched by the gateway's id the echo gave it, move it on.
        await Eventually.True(async () => (await f.AgentApi.GetMessageAsync(accepted.MessageId)).Status == "read", what: "its receipts");
        foreach (var c in chips) f.Sim.SetFaults(c.Instance, new Faults());
    }

    [Fact]
    public async Task A_send_the_gateway_never_processed_goes_again_once_the_gateway_says_it_was_not_sent()
    {
        await f.FreshPoolAsync();
        var lost = await f.ChipAsync();
        f.Sim.SetFaults(lost.Instance, new Faults { TimeoutRate = 1.0 });
        var (accepted, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "perdida no caminho", "lost-" + lost.Id);

        var doubt = await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), x => x.Status != "queued" && x.Status != "sending",
            TimeSpan.FromSeconds(30), "the send to time out");
        Assert.Equal(("in_doubt", (long?)lost.Id), (doubt.Status, doubt.ChipId));
        // Another number is free now, and the wait has not ended: nothing is sent.
        var other = await f.ChipAsync();
        f.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("in_doubt", (await f.AgentApi.GetMessageAsync(accepted.MessageId)).Status);

        // The wait ends: the gateway, asked, has no such message; the message goes again, on another number.
        f.Clock.Advance(TimeSpan.FromMinutes(2));
        var sent = await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), x => x.SentAt is not null || x.IsFinal,
            TimeSpan.FromSeconds(30), "the message to be sent after the lookup");
        Assert.Equal(other.Id, sent.ChipId);
        Assert.Equal([lost.Id], sent.TriedChips);
        Assert.Single(f.Sim.Sent, s => s.Text.EndsWith("perdida no caminho", StringComparison.Ordinal)); // the new number announces itself first
        Assert.Equal(2, sent.Attempts);
        Assert.Contains(sent.Timeline, e => e.Status == "queued" && e.Detail == "not sent: the gateway has no such message");
    }

    [Fact]
    public async Task A_gateway_that_cannot_say_until_the_validity_ends_leaves_the_message_failed_in_doubt_never_sent_again()
    {
        await f.FreshPoolAsync();
        var chip = await f.ChipAsync();
        f.Sim.SetFaults(chip.Instance, new Faults { TimeoutRate = 1.0, LookupDown = true });
        var (accepted, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "sem resposta", "unknown-" + chip.Id,
            expiresAt: f.Clock.GetUtcNow().AddMinutes(25));
        await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), x => x.Status == "in_doubt", TimeSpan.FromSeconds(30), "in doubt");

        // Asked at 10 and 20 minutes (no answer: still in doubt), and at the end of its validity: failed, with the code.
        var m = await f.AgentApi.GetMessageAsync(accepted.MessageId);
        for (int step = 0; step < 12 && !m.IsFinal; step++)
        {
            f.Clock.Advance(TimeSpan.FromMinutes(3));
            var due = m.NextAttemptAt <= f.Clock.GetUtcNow();
            var before = m;
            m = due
                ? await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId),
                    x => x.IsFinal || x.NextAttemptAt > f.Clock.GetUtcNow(), TimeSpan.FromSeconds(20), "the outbox to ask the gateway")
                : await f.AgentApi.GetMessageAsync(accepted.MessageId);
            Assert.True(m.IsFinal || m.Status == "in_doubt", $"{m.Status} after {before.Status}");
        }
        Assert.Equal("failed", m.Status);
        Assert.StartsWith("in_doubt: ", m.LastError);
        Assert.Equal("timeout", Assert.Single(m.AttemptLog).Outcome);
        Assert.Equal(2, m.Timeline.Count(e => e.Status == "in_doubt")); // went in doubt; the lookup failed (noted once, not per question)
        f.Sim.SetFaults(chip.Instance, new Faults());
    }

    [Fact]
    public async Task A_meta_send_that_timed_out_is_settled_by_the_status_naming_our_id()
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        var contact = await f.ContactWithBasisAsync();
        Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, contact[1..], "Oi, pode mandar"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);

        f.MetaSim.AnswerLate = true;
        try
        {
            var (accepted, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "Meta sem resposta", "meta-late-" + chip.Id);
            var m = await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), x => x.Status is "delivered" or "failed",
                TimeSpan.FromSeconds(30), "the status webhook to settle the message");
            Assert.Equal("delivered", m.Status);
            Assert.Contains(m.Timeline, e => e.Status == "in_doubt");
            var sent = Assert.Single(f.MetaSim.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);
            Assert.Equal(sent.WamId, await f.Scalar<string>("SELECT provider_message_id FROM messages WHERE id = @id", ("id", accepted.MessageId)));
        }
        finally { f.MetaSim.AnswerLate = false; }
    }
}
