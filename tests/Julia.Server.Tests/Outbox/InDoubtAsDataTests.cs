using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Outbox;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>
/// Messages in doubt as data (issue 23): rows left in_doubt, not due for an hour (the worker leaves them alone), and what the
/// gateway's echo of a send or a receipt naming our id does to them.
/// </summary>
public class InDoubtAsDataTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);
    OutboxStore Store => f.Host.Get<OutboxStore>();

    async Task<long> InDoubtAsync(long chipId, string contact, string sentText, string status = "in_doubt")
    {
        var now = f.Clock.GetUtcNow();
        return await f.Scalar<long>("""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, sent_text, in_doubt_since, attempts, next_attempt_at,
                                  expires_at, lease_owner, lease_token, lease_expires_at, created_at, updated_at)
            VALUES (gen_random_uuid()::text, @contact, 'reply', 'texto', @status, @chip, @sent, @since, 1, @now + interval '1 hour',
                    @now + interval '2 hours', CASE WHEN @status = 'sending' THEN 'node' END, CASE WHEN @status = 'sending' THEN gen_random_uuid() END,
                    CASE WHEN @status = 'sending' THEN @now + interval '1 hour' END, @now, @now)
            RETURNING id
            """, ("contact", contact), ("status", status), ("chip", chipId), ("sent", sentText), ("since", now.AddSeconds(-30)), ("now", now));
    }

    Task<string> StatusAsync(long id) => f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", id));

    [Fact]
    public async Task The_echo_of_the_text_sent_from_that_chip_to_that_contact_settles_it_once()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        const string Sent = "Oi! Aqui é a Julia; este é meu novo número.\n\nPlantão sábado?";
        var id = await InDoubtAsync(chip.Id, contact, Sent);
        var since = (await Store.GetAsync(id, default))!.InDoubtSince;
        var now = f.Clock.GetUtcNow();

        // Another chip, another contact or another text: not this message.
        Assert.Equal(EchoOutcome.Nothing, await Store.EchoAsync((await f.ChipAsync()).Id, contact, "3EB0A1", Sent, now, default));
        Assert.Equal(EchoOutcome.Nothing, await Store.EchoAsync(chip.Id, f.NewContact(), "3EB0A2", Sent, now, default));
        Assert.Equal(EchoOutcome.Nothing, await Store.EchoAsync(chip.Id, contact, "3EB0A3", "Plantão sábado?", now, default));
        Assert.Equal("in_doubt", await StatusAsync(id));

        // The text actually sent, announcement included (trailing space as a gateway may leave it).
        Assert.Equal(EchoOutcome.Confirmed, await Store.EchoAsync(chip.Id, contact, "3EB0A4", Sent + " ", now, default));
        var m = (await Store.GetAsync(id, default))!;
        Assert.Equal(("sent", "3EB0A4", (DateTimeOffset?)null), (m.Status, m.ProviderMessageId, m.InDoubtSince));
        Assert.Equal(since, m.SentAt); // when it was handed over
        // The same echo again (send.message, then messages.upsert) changes nothing.
        Assert.Equal(EchoOutcome.Nothing, await Store.EchoAsync(chip.Id, contact, "3EB0A4", Sent, now, default));
    }

    [Fact]
    public async Task An_echo_of_a_send_already_recorded_does_not_settle_a_twin_in_doubt()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        var answered = await InDoubtAsync(chip.Id, contact, "mesmo texto");
        await f.Scalar<int>("""
            UPDATE messages SET status = 'sent', provider_message_id = '3EB0B1', sent_at = @now, in_doubt_since = NULL WHERE id = @id RETURNING 1
            """, ("id", answered), ("now", f.Clock.GetUtcNow()));
        var twin = await InDoubtAsync(chip.Id, contact, "mesmo texto");
        Assert.Equal(EchoOutcome.Nothing, await Store.EchoAsync(chip.Id, contact, "3EB0B1", "mesmo texto", f.Clock.GetUtcNow(), default));
        Assert.Equal("in_doubt", await StatusAsync(twin));
    }

    [Fact]
    public async Task An_echo_ahead_of_its_sends_answer_waits_for_it()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        await InDoubtAsync(chip.Id, contact, "em voo", status: "sending");
        Assert.Equal(EchoOutcome.InFlight, await Store.EchoAsync(chip.Id, contact, "3EB0C1", "em voo", f.Clock.GetUtcNow(), default));
    }

    [Fact]
    public async Task A_receipt_naming_our_id_settles_it_forward_only()
    {
        var chip = await f.ChipAsync();
        var delivered = await InDoubtAsync(chip.Id, f.NewContact(), "para a Meta");
        var now = f.Clock.GetUtcNow();
        Assert.Equal((true, true), await Store.ReceiptAsync(chip.Id, "wamid.D1", "delivered", now, now, default, ours: delivered));
        var m = (await Store.GetAsync(delivered, default))!;
        Assert.Equal(("delivered", "wamid.D1", true), (m.Status, m.ProviderMessageId, m.SentAt is not null));
        Assert.Equal((false, true), await Store.ReceiptAsync(chip.Id, "wamid.D1", "sent", now, now, default, ours: delivered));

        var failed = await InDoubtAsync(chip.Id, f.NewContact(), "para a Meta");
        Assert.Equal((true, true), await Store.ReceiptAsync(chip.Id, "wamid.F1", "failed", now, now, default, ours: failed, error: "131047 window"));
        Assert.Equal("failed", await StatusAsync(failed));
    }

    [Fact]
    public async Task A_message_in_doubt_cannot_be_cancelled()
    {
        var chip = await f.ChipAsync();
        var id = await InDoubtAsync(chip.Id, f.NewContact(), "talvez enviada");
        Assert.Equal((CancelOutcome.InFlight, "in_doubt"), await Store.CancelAsync(id, f.Clock.GetUtcNow(), default));
    }
}
