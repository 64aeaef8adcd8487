using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>
/// End-to-end sending at the times that break things: before the window opens, on a weekend, at the
/// window's closing second, and across midnight in São Paulo (day caps) and a UTC hour (hour caps).
/// The clock is frozen at each moment and jumped by the test; workers poll in real time.
/// </summary>
public class TimeOfDayTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);
    static readonly TimeSpan SaoPaulo = TimeSpan.FromHours(-3);

    public Task InitializeAsync() => f.FreshPoolAsync();
    public Task DisposeAsync() => SetCapsAsync(perHour: 10_000, perDay: 100_000);

    Task SetCapsAsync(int perHour, int perDay) =>
        f.Operator.PutPoolConfigAsync(new { caps = new { minGapScale = 0.0, operating = new { perHour, perDay } } });

    Task<Message> Until(long id, Func<Message, bool> done, string what) =>
        Eventually.Until(() => f.AgentApi.GetMessageAsync(id), done, what: $"message {id}: {what}");

    Task<Message> Sent(long id) => Until(id, m => m.SentAt is not null, "sent");

    Task<Message> Waiting(long id, string code) =>
        Until(id, m => m.Status == "queued" && m.LastError == code, $"waiting for {code}");

    /// <summary>Queues a message valid for three days, so a weekend's wait ends in a send, not an expiry.</summary>
    async Task<long> Enqueue(string contact, string kind, string text, TimeSpan? validity = null)
    {
        var (m, _) = await f.AgentApi.SendMessageAsync(contact, kind, text, Guid.NewGuid().ToString("N"),
            expiresAt: f.Clock.GetUtcNow() + (validity ?? TimeSpan.FromDays(3)));
        return m.MessageId;
    }

    [Fact]
    public async Task A_followup_before_the_window_waits_for_it_to_open_and_is_not_claimed_again_meanwhile()
    {
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 23, 4, 40, 0, SaoPaulo)); // Monday, before the window
        var chip = await f.ChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        var id = await Enqueue(doctor, "followup", "Bom dia, Dr.");

        var m = await Waiting(id, "outside_sending_window");
        var opens = new DateTimeOffset(2026, 11, 23, 8, 0, 0, SaoPaulo);
        Assert.Equal(opens, m.NextAttemptAt);
        Assert.Equal(0, m.Attempts); // waiting is not an attempt
        var waiting = Assert.Single(m.Timeline, t => t.Detail?.StartsWith("waiting:") == true);
        Assert.Equal("waiting: outside_sending_window until 2026-11-23T11:00:00Z", waiting.Detail);

        // A reply goes at any hour, from the same pool.
        var replyTo = await f.ContactWithBasisAsync();
        Assert.Equal(chip.Id, (await Sent(await Enqueue(replyTo, "reply", "Respondendo agora"))).ChipId);

        // Nothing is claimed again before the window opens: the timeline and the log stay quiet.
        var again = await f.AgentApi.GetMessageAsync(id);
        Assert.Equal((1, 0), (again.Timeline.Count(t => t.Detail?.StartsWith("waiting:") == true), again.Attempts));
        Assert.DoesNotContain(f.Host.Log.Recent, l => l.Contains($"Message {id}"));

        f.Clock.Freeze(opens.AddSeconds(5));
        var sent = await Sent(id);
        Assert.Equal((chip.Id, 1), (sent.ChipId, sent.Attempts));
    }

    [Fact]
    public async Task Opt_out_at_night_is_confirmed_at_once_and_blocks_the_morning_followup()
    {
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 24, 4, 40, 0, SaoPaulo)); // Tuesday 04:40
        var chip = await f.ChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        var followup = await Enqueue(doctor, "followup", "Podemos conversar hoje?");
        await Waiting(followup, "outside_sending_window");

        f.Sim.Inbound(chip.Instance, doctor, "PARE");
        await Eventually.Until(() => f.AgentApi.GetContactAsync(doctor), c => c.OptedOut, what: "the opt-out");
        // The confirmation is a reply: it goes now, at 04:40.
        await Eventually.True(() => Task.FromResult(f.Sim.Sent.Any(s => s.Number == doctor[1..] && s.Text.Contains("VOLTAR"))), what: "the confirmation");

        f.Clock.Freeze(new DateTimeOffset(2026, 11, 24, 8, 0, 1, SaoPaulo));
        var blocked = await Until(followup, m => m.IsFinal, "blocked");
        Assert.Equal(("blocked", "contact_opted_out"), (blocked.Status, blocked.LastError));
        Assert.Equal(1, f.Sim.Sent.Count(s => s.Number == doctor[1..]));
    }

    [Fact]
    public async Task Saturday_noon_business_waits_for_monday_replies_and_failover_go_now()
    {
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 28, 12, 0, 0, SaoPaulo)); // Saturday
        var a = await f.ChipAsync(trust: 99);
        var b = await f.ChipAsync(trust: 85);
        var doctor = await f.ContactWithBasisAsync();

        var first = await Sent(await Enqueue(doctor, "reply", "primeira"));
        Assert.Equal(a.Id, first.ChipId);
        var prospect = await Waiting(await Enqueue(await f.ContactWithBasisAsync(), "prospecting", "Oportunidade"), "outside_sending_window");
        var monday = new DateTimeOffset(2026, 11, 30, 8, 0, 0, SaoPaulo);
        Assert.Equal(monday, prospect.NextAttemptAt);
        Assert.Equal(monday, (await Waiting(await Enqueue(doctor, "followup", "seguimento"), "outside_sending_window")).NextAttemptAt);
        // With the default validity (24 h) a Saturday message cannot wait for Monday: it waits until it expires.
        var (shortLived, _) = await f.AgentApi.SendMessageAsync(await f.ContactWithBasisAsync(), "followup", "curta", Guid.NewGuid().ToString("N"));
        var expiring = await Waiting(shortLived.MessageId, "outside_sending_window");
        Assert.Equal(expiring.ExpiresAt, expiring.NextAttemptAt);
        f.Clock.Freeze(expiring.ExpiresAt.AddSeconds(1));
        Assert.Equal("expired", (await Until(shortLived.MessageId, m => m.IsFinal, "expired")).Status);
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 28, 12, 0, 0, SaoPaulo));

        // The doctor's number goes down on a Saturday: the reply fails over, with the announcement.
        await f.Operator.PauseChipAsync(a.Id, "number under review");
        var moved = await Sent(await Enqueue(doctor, "reply", "segunda"));
        Assert.Equal(b.Id, moved.ChipId);
        Assert.Contains(f.Sim.Sent, s => s.Instance == b.Instance && s.Number == doctor[1..] && s.Text.EndsWith("\n\nsegunda") && s.Text.StartsWith("Oi!"));
    }

    [Fact]
    public async Task Friday_window_closes_at_18h_and_the_hour_cap_resets_on_the_utc_hour()
    {
        await SetCapsAsync(perHour: 1, perDay: 100);
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 27, 17, 59, 50, SaoPaulo)); // 20:59:50 UTC
        var chip = await f.ChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal(chip.Id, (await Sent(await Enqueue(doctor, "followup", "antes das 18h"))).ChipId);

        // The doctor's own number has used its hour: the reply waits for it, not for another number.
        var reply = await Waiting(await Enqueue(doctor, "reply", "resposta"), "chip_busy");
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero), reply.NextAttemptAt);

        f.Clock.Freeze(new DateTimeOffset(2026, 11, 27, 18, 0, 10, SaoPaulo)); // 21:00:10 UTC
        Assert.Equal(chip.Id, (await Sent(reply.Id)).ChipId);
        var late = await Waiting(await Enqueue(await f.ContactWithBasisAsync(), "followup", "depois das 18h"), "outside_sending_window");
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, SaoPaulo), late.NextAttemptAt);
    }

    [Fact]
    public async Task Day_cap_resets_at_midnight_in_Sao_Paulo()
    {
        await SetCapsAsync(perHour: 1, perDay: 1);
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 24, 22, 59, 50, SaoPaulo)); // Tuesday night, 01:59:50 UTC
        var chip = await f.ChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal(chip.Id, (await Sent(await Enqueue(doctor, "reply", "ainda hoje"))).ChipId);

        // A new UTC hour: the hour cap has room again, the São Paulo day has not.
        f.Clock.Freeze(new DateTimeOffset(2026, 11, 24, 23, 59, 50, SaoPaulo));
        var second = await Waiting(await Enqueue(doctor, "reply", "amanhã"), "chip_busy");
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, SaoPaulo), second.NextAttemptAt);
        Assert.Contains(second.Timeline, t => t.Detail == "waiting: chip_busy until 2026-11-25T03:00:00Z");

        f.Clock.Freeze(new DateTimeOffset(2026, 11, 25, 0, 0, 10, SaoPaulo));
        var sent = await Sent(second.Id);
        Assert.Equal((chip.Id, 1), (sent.ChipId, sent.Attempts));
        Assert.Equal(1, await f.Scalar<int>("SELECT sent_today FROM chips WHERE id = @id", ("id", chip.Id)));
    }
}
