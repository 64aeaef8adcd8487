using System.Text.Json;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Inbox;

/// <summary>
/// Shapes real Evolution servers send that were once refused with a 400 (which Evolution never retries,
/// so a doctor's message was lost): LID senders, receipts without a status or in the v1 shape, and
/// doctors writing from abroad.
/// </summary>
public class WebhookShapeTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    async Task<(int Status, string Body)> Post(SendingFixture.TestChip chip, object body)
    {
        var res = await f.Host.Http().SendAsync(EvolutionWebhook.Post(JsonSerializer.Serialize(body), chip.Secret));
        return ((int)res.StatusCode, await res.Content.ReadAsStringAsync());
    }

    static object Upsert(SendingFixture.TestChip chip, object key, string text) => new
    {
        @event = "messages.upsert",
        instance = chip.Instance,
        apikey = chip.Token,
        sender = chip.Phone[1..] + "@s.whatsapp.net",
        data = new { key, pushName = "Dra. Lid", message = new { conversation = text }, messageType = "conversation", messageTimestamp = 1_764_000_000 },
    };

    Task<InboundMessage?> Inbound(string text) =>
        Eventually.Until(async () => (await f.AgentApi.InboundAsync(0, 1000)).Items.FirstOrDefault(i => i.Text == text), x => x is not null, what: $"'{text}' to reach the agent");

    Task<string> InboxStatus(string dedupeSuffix) =>
        Eventually.Until(() => f.Scalar<string>("SELECT status FROM inbox WHERE dedupe_key LIKE '%' || @k", ("k", dedupeSuffix)),
            s => s is not ("pending" or "processing"), what: $"event {dedupeSuffix} to be processed");

    [Fact]
    public async Task A_lid_sender_with_its_phone_in_senderPn_is_received_as_that_phone()
    {
        var chip = await f.ChipAsync();
        var doctor = f.NewContact();
        var (status, _) = await Post(chip, Upsert(chip, new { remoteJid = "190000000001@lid", senderPn = doctor[1..] + "@s.whatsapp.net", fromMe = false, id = "SPN1" }, "oi pelo senderPn"));
        Assert.Equal(200, status);
        Assert.Equal(doctor, (await Inbound("oi pelo senderPn"))!.Contact);
    }

    [Fact]
    public async Task A_lid_sender_without_a_phone_is_held_until_the_lid_is_learnt()
    {
        var chip = await f.ChipAsync();
        var doctor = f.NewContact();
        const string lid = "190000000002@lid";
        Assert.Equal(200, (await Post(chip, Upsert(chip, new { remoteJid = lid, fromMe = false, id = "HELD1" }, "primeira, só lid"))).Status);
        Assert.Equal("held", await InboxStatus(":HELD1"));
        Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM inbound WHERE provider_message_id = 'HELD1'"));

        // A later message carries the phone beside the same LID: both reach the agent, in order.
        Assert.Equal(200, (await Post(chip, Upsert(chip, new { remoteJid = lid, remoteJidAlt = doctor[1..] + "@s.whatsapp.net", addressingMode = "lid", fromMe = false, id = "HELD2" }, "segunda, com telefone"))).Status);
        var first = await Inbound("primeira, só lid");
        var second = await Inbound("segunda, com telefone");
        Assert.Equal((doctor, doctor), (first!.Contact, second!.Contact));
        Assert.True(first.Id < second.Id, "the held (older) message reaches the agent first");
        Assert.Equal("applied", await InboxStatus(":HELD1"));

        // From now on the LID alone is enough.
        Assert.Equal(200, (await Post(chip, Upsert(chip, new { remoteJid = lid, fromMe = false, id = "HELD3" }, "terceira, só lid"))).Status);
        Assert.Equal(doctor, (await Inbound("terceira, só lid"))!.Contact);
    }

    [Fact]
    public async Task A_messages_update_without_status_is_kept_as_ignored_not_refused()
    {
        var chip = await f.ChipAsync();
        // What Evolution sends for an edited or deleted message: no status.
        var (status, body) = await Post(chip, new
        {
            @event = "messages.update",
            instance = chip.Instance,
            apikey = chip.Token,
            data = new { keyId = "EDIT1", remoteJid = f.NewContact()[1..] + "@s.whatsapp.net", fromMe = false, messageId = "cm0000001", instanceId = "00000000-0000-0000-0000-000000000001" },
        });
        Assert.Equal(200, status);
        Assert.Contains("\"ignored\"", body);
        Assert.Equal("no status: an edit or a deletion, not a receipt",
            await f.Scalar<string>("SELECT error FROM inbox WHERE chip_id = @c AND status = 'ignored' ORDER BY id DESC LIMIT 1", ("c", chip.Id)));
    }

    [Fact]
    public async Task A_messages_update_in_the_v1_shape_is_applied_as_a_receipt()
    {
        var chip = await f.ChipAsync();
        var doctor = f.NewContact();
        var (sent, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "olá v1", "v1-receipt-" + chip.Id);
        var m = await Eventually.Until(() => f.AgentApi.GetMessageAsync(sent.MessageId), x => x.SentAt is not null, what: "the send");
        var providerId = await f.Scalar<string>("SELECT provider_message_id FROM messages WHERE id = @id", ("id", m.Id));
        // Evolution v1.x: data.id (not keyId) and a millisecond datetime.
        var (status, _) = await Post(chip, new
        {
            @event = "messages.update",
            instance = chip.Instance,
            apikey = chip.Token,
            data = new { id = providerId, remoteJid = doctor[1..] + "@s.whatsapp.net", fromMe = true, status = "READ", datetime = 1_764_000_000_123L, owner = chip.Instance },
        });
        Assert.Equal(200, status);
        await Eventually.Until(() => f.AgentApi.GetMessageAsync(sent.MessageId), x => x.Status == "read", what: "the v1 receipt");
    }

    [Fact]
    public async Task A_doctor_abroad_is_received_and_answered_and_business_sends_wait_for_the_pool_setting()
    {
        var chip = await f.ChipAsync();
        foreach (var (jid, e164) in new[] { ("351912345678", "+351912345678"), ("14155550123", "+14155550123") })
        {
            f.Sim.Inbound(chip.Instance, e164, "Olá de fora do Brasil " + jid);
            Assert.Equal(e164, (await Inbound("Olá de fora do Brasil " + jid))!.Contact);
            var contact = await f.AgentApi.GetContactAsync(e164);
            Assert.Null(contact.Ddd);
        }
        Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE status = 'dead'"));

        // Answering them works; business-initiated messages abroad are a pool setting, off by default.
        var reply = await Eventually.Until(async () => await f.AgentApi.GetMessageAsync((await f.AgentApi.SendMessageAsync("+351912345678", "reply", "Respondendo", "abroad-reply")).Message.MessageId),
            x => x.SentAt is not null, what: "the reply abroad");
        Assert.Equal(chip.Id, reply.ChipId);
        var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync("+14155550123", "followup"));
        Assert.Equal((422, "contact_abroad"), (refused.Status, refused.Code));
        var (queued, _) = await f.AgentApi.SendMessageAsync("+14155550123", "followup", "Seguimento", "abroad-followup");
        var blocked = await Eventually.Until(() => f.AgentApi.GetMessageAsync(queued.MessageId), x => x.IsFinal, what: "the follow-up abroad");
        Assert.Equal(("blocked", "contact_abroad"), (blocked.Status, blocked.LastError));

        await f.Operator.PutPoolConfigAsync(new { allowBusinessAbroad = true, caps = new { minGapScale = 0.0, operating = new { perHour = 10_000, perDay = 100_000 } } });
        try { Assert.Equal(chip.Id, (await f.AgentApi.SelectAsync("+14155550123", "followup")).ChipId); }
        finally { await f.Operator.PutPoolConfigAsync(new { caps = new { minGapScale = 0.0, operating = new { perHour = 10_000, perDay = 100_000 } } }); }
    }
}
