using Julia.Client;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Chips;

/// <summary>
/// A Meta number's standing end to end on the simulator (issue 22): a RED quality rating, read by the poll, stops
/// business-initiated messages on that chip while replies still go; an account restriction trips the gate and reaches the
/// alert channels; a burst to one doctor keeps Meta's pair rate without one 131056.
/// </summary>
public class MetaStandingTests(MetaStandingFixture f, ITestOutputHelper output) : IClassFixture<MetaStandingFixture>
{
    readonly bool _logged = Attach(f, output);

    static bool Attach(MetaStandingFixture f, ITestOutputHelper output)
    {
        f.Host.Log.Output = output;
        return true;
    }

    [Fact]
    public async Task A_red_quality_stops_prospecting_and_follow_ups_on_the_chip_while_a_reply_still_goes()
    {
        var chip = await f.OnlyMetaChipAsync();
        var doctor = await f.ContactAsync();
        Assert.Equal(200, await f.Meta.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], "Oi, tenho interesse"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);

        // Meta pushes no colour: the poll reads it.
        f.Meta.SetQuality(chip.PhoneNumberId, "RED");
        var poll = await f.PollAsync();
        Assert.Equal((1, 1), (poll.Polled, poll.Changed));
        Assert.Equal(("RED", "LIMITED", "TIER_250", 80), (await f.Scalar<string>("SELECT quality_rating FROM meta_chips WHERE chip_id = @c", ("c", chip.Id)),
            await f.Scalar<string>("SELECT health_status FROM meta_chips WHERE chip_id = @c", ("c", chip.Id)),
            await f.Scalar<string>("SELECT messaging_limit FROM meta_chips WHERE chip_id = @c", ("c", chip.Id)),
            await f.Scalar<int>("SELECT throughput_per_s FROM meta_chips WHERE chip_id = @c", ("c", chip.Id))));
        Assert.Equal(1, await f.Scalar<long>("SELECT count(*) FROM alerts WHERE kind = 'meta_quality_red' AND chip_id = @c", ("c", chip.Id)));
        Assert.Equal(0, (await f.PollAsync()).Polled); // polled a moment ago: not due
        // Operators see it on the chip (the console's chip page shows the same).
        var shown = (await f.Operator.GetChipAsync(chip.Id)).Meta!;
        Assert.Equal(("RED", "LIMITED", "TIER_250", 80), (shown.Quality, shown.Health, shown.MessagingLimit, shown.ThroughputPerSecond));

        // A follow-up to the doctor on this chip (inside the window the doctor opened): refused for the colour, not moved.
        var followup = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "followup"));
        Assert.Equal((409, "meta_quality_red"), (followup.Status, followup.Code));
        // A new doctor has no open window on any Meta number: without a template that message could not go even at GREEN,
        // and the window's answer comes first (a selection through the API carries no template).
        var stranger = await f.ContactAsync();
        var prospecting = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(stranger, "prospecting"));
        Assert.Equal((422, "template_required"), (prospecting.Status, prospecting.Code));

        // The doctor's reply still goes, on the same chip.
        var (reply, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Olá, Dra.! Plantão sábado 19h?", "red-reply-" + chip.Id);
        Assert.Equal("delivered", await Eventually.Until(() => f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", reply.MessageId)),
            s => s is "delivered" or "failed" or "blocked", what: "the reply delivered"));
        Assert.Equal(chip.Id, await f.Scalar<long>("SELECT chip_id FROM messages WHERE id = @id", ("id", reply.MessageId)));
        // A queued follow-up waits on the chip (not an attempt, not another number).
        var (queued, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Conseguiu ver a escala?", "red-followup-" + chip.Id);
        Assert.Equal("meta_quality_red", await Eventually.Until(() => f.Scalar<string>("SELECT coalesce(last_error, '') FROM messages WHERE id = @id",
            ("id", queued.MessageId)), e => e.Length > 0, what: "the follow-up waiting"));
        Assert.Equal("queued", await f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", queued.MessageId)));
        Assert.Single(f.Meta.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);
    }

    [Fact]
    public async Task An_account_restriction_trips_the_gate_and_reaches_the_alert_channels()
    {
        var chip = await f.OnlyMetaChipAsync();
        Assert.Equal(200, await f.Meta.RestrictWabaAsync(chip.Waba, f.Clock.GetUtcNow().AddDays(1)));
        await Eventually.True(async () => await f.Scalar<string>("SELECT status FROM chips WHERE id = @c", ("c", chip.Id)) == "paused",
            what: "the chip paused by the account_update webhook");
        Assert.True(await f.Scalar<bool>("SELECT gate_tripped FROM pool_state"));
        var text = $"chip {chip.Id} pausado após sinal de spam/restrição";
        await Eventually.True(() => Task.FromResult(f.Slack.Received.Any(m => m.Text.Contains(text, StringComparison.Ordinal))), TimeSpan.FromSeconds(30),
            what: "the restriction alert on Slack");

        // The poll then sees the WABA blocked: recorded, and no second restriction of a chip already stopped.
        var poll = await f.PollAsync();
        Assert.Equal(1, poll.Polled);
        Assert.Equal("BLOCKED", await f.Scalar<string>("SELECT health_status FROM meta_chips WHERE chip_id = @c", ("c", chip.Id)));
        Assert.Equal(1, await f.Scalar<long>("SELECT count(*) FROM chip_signals WHERE chip_id = @c AND kind = 'spam_restriction'", ("c", chip.Id)));
    }

    [Fact]
    public async Task A_burst_to_one_doctor_keeps_the_six_second_pair_rate_without_a_131056()
    {
        var chip = await f.OnlyMetaChipAsync();
        var doctor = await f.ContactAsync();
        Assert.Equal(200, await f.Meta.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], "Pode mandar os detalhes?"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);
        var pairRefusals = f.Meta.Answered(131056);

        const int N = 4;
        var ids = new List<long>();
        for (int i = 0; i < N; i++)
            ids.Add((await f.AgentApi.SendMessageAsync(doctor, "reply", $"Detalhe {i + 1} do plantão", $"burst-{chip.Id}-{i}")).Message.MessageId);
        for (int sent = 1; sent <= N; sent++)
        {
            // One more goes each time the clock passes the pair's 6 s; the rest wait on pair_rate, not as attempts.
            await Eventually.True(() => Task.FromResult(f.Meta.Sent.Count(s => s.PhoneNumberId == chip.PhoneNumberId) >= sent), what: $"send {sent}");
            if (sent < N)
            {
                await Eventually.True(async () => await f.Scalar<long>(
                    "SELECT count(*) FROM messages WHERE id = ANY(@ids) AND status = 'queued' AND last_error = 'pair_rate'", ("ids", ids.ToArray())) == N - sent,
                    what: $"{N - sent} waiting on pair_rate");
                Assert.Equal(sent, f.Meta.Sent.Count(s => s.PhoneNumberId == chip.PhoneNumberId)); // nothing sent early
                f.Clock.Advance(TimeSpan.FromSeconds(6));
            }
        }
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM messages WHERE id = ANY(@ids) AND status = 'delivered'",
            ("ids", ids.ToArray())) == N, what: "all delivered");
        Assert.Equal(pairRefusals, f.Meta.Answered(131056));
        var times = f.Meta.Sent.Where(s => s.PhoneNumberId == chip.PhoneNumberId).Select(s => s.At).Order().ToList();
        Assert.All(times.Zip(times.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromSeconds(6), $"{p.First:O} → {p.Second:O}"));
        Assert.Equal(N, await f.Scalar<long>("SELECT count(*) FROM messages WHERE id = ANY(@ids) AND attempts = 1", ("ids", ids.ToArray())));
    }
}
