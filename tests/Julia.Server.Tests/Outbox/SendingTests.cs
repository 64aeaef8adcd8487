using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

public class SendingTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);

    public Task InitializeAsync() => f.FreshPoolAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    Task<Message> Final(long id, Func<Message, bool>? done = null) =>
        Eventually.Until(() => f.AgentApi.GetMessageAsync(id), done ?? (m => m.IsFinal), what: $"message {id} to finish");

    [Fact]
    public async Task A_message_goes_queued_sent_delivered_read()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        var (accepted, created) = await f.AgentApi.SendMessageAsync(contact, "reply", "Olá, Dr. Teste", "e2e-1");
        Assert.True(created);
        Assert.Equal("queued", accepted.Status);

        var m = await Final(accepted.MessageId, x => x.Status == "read");
        Assert.Equal(chip.Id, m.ChipId);
        Assert.Equal(["queued", "sent", "delivered", "read"], m.Timeline.Select(t => t.Status));
        Assert.Equal("sent", Assert.Single(m.AttemptLog).Outcome);
        Assert.NotNull(m.DeliveredAt);
        var sent = Assert.Single(f.Sim.Sent, s => s.Text == "Olá, Dr. Teste");
        Assert.Equal(contact.TrimStart('+'), sent.Number);

        var again = await f.AgentApi.SendMessageAsync(contact, "reply", "Olá, Dr. Teste", "e2e-1");
        Assert.Equal((accepted.MessageId, false), (again.Message.MessageId, again.Created));
    }

    [Fact]
    public async Task After_a_migration_the_new_number_announces_itself_once()
    {
        var a = await f.ChipAsync(trust: 99);
        var b = await f.ChipAsync(trust: 85);
        var contact = f.NewContact();
        var (first, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "primeira", $"announce-1-{a.Id}");
        Assert.Equal(a.Id, (await Final(first.MessageId, x => x.SentAt is not null)).ChipId);

        await f.Operator.PauseChipAsync(a.Id, "number under review");
        var (second, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "segunda", $"announce-2-{a.Id}");
        Assert.Equal(b.Id, (await Final(second.MessageId, x => x.SentAt is not null)).ChipId);
        var (third, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "terceira", $"announce-3-{a.Id}");
        await Final(third.MessageId, x => x.SentAt is not null);

        var texts = f.Sim.Sent.Where(x => x.Number == contact[1..]).Select(x => (x.Instance, x.Text)).ToList();
        Assert.Equal([(a.Instance, "primeira"), (b.Instance, "Oi! Aqui é a Julia; este é meu novo número.\n\nsegunda"), (b.Instance, "terceira")], texts);
        var conv = await f.AgentApi.GetConversationAsync(contact);
        Assert.Equal((b.Id, (long?)a.Id, false), (conv.ChipId, conv.MigratedFrom, conv.AnnouncementPending));
    }

    [Fact]
    public async Task An_inbound_reply_reaches_the_agent_signed()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        f.Sim.Inbound(chip.Instance, contact, "Tenho interesse, qual o valor?");
        var got = await Eventually.Until(() => Task.FromResult(f.Agent.Requests.FirstOrDefault(r => r.Body.Contains(contact[1..]))), r => r is not null, what: "the agent to receive it");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SendingFixture.AgentSecret), Encoding.UTF8.GetBytes(got!.Body)));
        Assert.Equal(expected, got.Signature);
        var json = JsonDocument.Parse(got.Body).RootElement;
        Assert.Equal("Tenho interesse, qual o valor?", json.GetProperty("text").GetString());
        Assert.Equal(chip.Id, json.GetProperty("chipId").GetInt64());

        var page = await f.AgentApi.InboundAsync();
        Assert.Contains(page.Items, i => i.Contact == contact);
        Assert.Equal(chip.Id, (await f.AgentApi.GetConversationAsync(contact)).ChipId); // answered from the number they wrote to
        Assert.NotNull((await f.AgentApi.GetContactAsync(contact)).LastInboundAt);
    }

    [Fact]
    public async Task Same_webhook_three_times_counts_once()
    {
        var chip = await f.ChipAsync();
        var contact = f.NewContact();
        var body = EvolutionWebhook.Upsert(chip, contact, "3EB0DUPLICATE00000001", "Bom dia");
        var http = f.Host.Http();
        var answers = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var res = await http.SendAsync(EvolutionWebhook.Post(body, chip.Secret));
            Assert.Equal(200, (int)res.StatusCode);
            answers.Add(JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!);
        }
        Assert.Equal(["stored", "duplicate", "duplicate"], answers);
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE contact = @c", ("c", contact)) == 1);
        await Eventually.True(() => Task.FromResult(f.Agent.Requests.Count(r => r.Body.Contains(contact[1..])) == 1));
        Assert.Equal(1L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE dedupe_key LIKE '%3EB0DUPLICATE00000001'"));
    }

    [Fact]
    public async Task Out_of_order_receipts_never_move_a_message_back()
    {
        var chip = await f.ChipAsync();
        f.Sim.SetFaults(chip.Instance, new Faults { OutOfOrder = true, DuplicateRate = 1.0 });
        var (m, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "fora de ordem", "ooo-1");
        var done = await Final(m.MessageId, x => x.Status == "read");
        // Let the late DELIVERY_ACK (and the duplicates) be applied, then look again.
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbox WHERE chip_id = @c AND status = 'pending'", ("c", chip.Id)) == 0);
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbox WHERE chip_id = @c AND event = 'messages.update'", ("c", chip.Id)) >= 3);
        var after = await f.AgentApi.GetMessageAsync(m.MessageId);
        Assert.Equal("read", after.Status);
        Assert.NotNull(after.DeliveredAt);
        // The simulator posts webhooks on several connections, so the READ usually lands before the DELIVERY_ACK but
        // may not: either way the timeline only moves forward and nothing follows the read.
        var timeline = after.Timeline.Select(t => t.Status).ToList();
        Assert.Contains(timeline, new List<string>[] { ["queued", "sent", "read"], ["queued", "sent", "delivered", "read"] });
        f.Sim.SetFaults(chip.Instance, new Faults());
    }

    [Fact]
    public async Task PARE_opts_out_on_every_chip_and_the_next_prospecting_is_blocked()
    {
        var a = await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 92);
        var contact = await f.ContactWithBasisAsync();
        f.Sim.Inbound(a.Instance, contact, "  Pare! ");
        var c = await Eventually.Until(() => f.AgentApi.GetContactAsync(contact), x => x.OptedOut, what: "the opt-out");
        Assert.Equal($"chip:{a.Id}", c.OptedOutSource);

        // One confirmation goes back from the same number; the opt-out holds on every number.
        await Eventually.True(() => Task.FromResult(f.Sim.Sent.Count(s => s.Number == contact.TrimStart('+')) == 1), what: "the confirmation");
        Assert.Equal(a.Instance, f.Sim.Sent.Single(s => s.Number == contact.TrimStart('+')).Instance);
        var (p, _) = await f.AgentApi.SendMessageAsync(contact, "prospecting", "Oportunidade", "pare-prospect");
        var blocked = await Final(p.MessageId);
        Assert.Equal(("blocked", "contact_opted_out"), (blocked.Status, blocked.LastError));
        Assert.Equal("contact_opted_out", (await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(contact, "followup"))).Code);
    }

    [Fact]
    public async Task Five_failures_open_the_breaker_traffic_moves_and_it_recovers_through_half_open()
    {
        var a = await f.ChipAsync(trust: 99);
        var b = await f.ChipAsync(trust: 85);
        f.Sim.SetFaults(a.Instance, new Faults { ErrorRate = 1.0 });
        for (int i = 0; i < 5; i++)
        {
            var (m, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", $"breaker {i}", $"breaker-{a.Id}-{i}");
            var done = await Final(m.MessageId, x => x.Status is "sent" or "delivered" or "read" or "failed");
            Assert.Equal(b.Id, done.ChipId); // moved to the other chip
            Assert.Equal([a.Id], done.TriedChips);
        }
        Assert.Equal("open", (await f.Operator.GetChipAsync(a.Id)).Breaker);
        Assert.Equal("5 consecutive failures", await f.Scalar<string>("SELECT reason FROM breaker_log WHERE chip_id = @c ORDER BY id LIMIT 1", ("c", a.Id)));

        var (next, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "while open", $"breaker-{a.Id}-open");
        var whileOpen = await Final(next.MessageId, x => x.ChipId is not null);
        Assert.Equal((b.Id, 0), (whileOpen.ChipId!.Value, whileOpen.TriedChips.Length)); // open chips are skipped outright

        f.Sim.SetFaults(a.Instance, new Faults());
        f.Clock.Advance(TimeSpan.FromSeconds(61));
        var (trial, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "trial", $"breaker-{a.Id}-trial");
        var t = await Final(trial.MessageId, x => x.ChipId is not null && x.Status != "sending");
        Assert.Equal(a.Id, t.ChipId);
        await Eventually.True(async () => (await f.Operator.GetChipAsync(a.Id)).Breaker == "closed", what: "the breaker to close");
        var log = await Sql.Scalar<string>(f.Db, "SELECT string_agg(from_state || '>' || to_state, ',' ORDER BY id) FROM breaker_log WHERE chip_id = @c", ("c", a.Id));
        Assert.Equal("closed>open,open>half_open,half_open>closed", log);
    }

    [Fact]
    public async Task A_ban_signal_pauses_the_chip_and_stops_prospecting_pool_wide()
    {
        var a = await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 95);
        f.Sim.SetFaults(a.Instance, new Faults { Banned = true });
        var (m, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "vai falhar", $"ban-{a.Id}");
        var failed = await Final(m.MessageId);
        Assert.Equal("failed", failed.Status);
        Assert.StartsWith("spam_restriction", failed.LastError);
        Assert.Single(failed.AttemptLog); // not retried on another number

        var chip = await f.Operator.GetChipAsync(a.Id);
        Assert.Equal(("paused", "active"), (chip.Status, chip.PausedFrom));
        Assert.True((await f.Operator.GetPoolAsync()).Gate.Tripped);
        var prospect = await f.ContactWithBasisAsync();
        Assert.Equal("prospecting_paused", (await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(prospect, "prospecting"))).Code);
        Assert.Contains("gate_tripped", await f.Scalar<string>("SELECT string_agg(kind, ',') FROM alerts"));
        f.Sim.SetFaults(a.Instance, new Faults());
    }

    [Fact]
    public async Task Connection_close_403_is_a_restriction_and_401_asks_for_a_new_qr()
    {
        var a = await f.ChipAsync();
        var b = await f.ChipAsync();
        f.Sim.Connection(a.Instance, "close", 403);
        await Eventually.True(async () => (await f.Operator.GetChipAsync(a.Id)).Status == "paused", what: "pause on 403");
        Assert.False((await f.Operator.GetChipAsync(a.Id)).Connected);
        Assert.True((await f.Operator.GetPoolAsync()).Gate.Tripped);

        f.Sim.Connection(b.Instance, "close", 401);
        await Eventually.True(async () => (await f.Operator.GetChipAsync(b.Id)).Status == "pending", what: "pending on 401");
        f.Sim.Connection(b.Instance, "open", 200);
        await Eventually.True(async () => (await f.Operator.GetChipAsync(b.Id)).Connected, what: "reconnected");
    }

    [Fact]
    public async Task Rate_limit_cools_the_chip_down_and_the_message_waits()
    {
        var a = await f.ChipAsync();
        f.Sim.SetFaults(a.Instance, new Faults { RateLimited = true });
        var (m, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "devagar", $"rate-{a.Id}");
        var waiting = await Eventually.Until(() => f.AgentApi.GetMessageAsync(m.MessageId), x => x.AttemptLog.Count == 1 && x.Status == "queued");
        Assert.Equal("rate_limited", waiting.AttemptLog[0].Outcome);
        Assert.NotNull((await f.Operator.GetChipAsync(a.Id)).CooldownUntil);
        f.Sim.SetFaults(a.Instance, new Faults());
        f.Clock.Advance(TimeSpan.FromMinutes(11));
        var sent = await Final(m.MessageId, x => x.SentAt is not null);
        Assert.Equal(a.Id, sent.ChipId);
    }

    [Fact]
    public async Task Lid_contacts_resolve_to_their_phone()
    {
        var chip = await f.ChipAsync(lid: true);
        var contact = f.NewContact();
        f.Sim.Inbound(chip.Instance, contact, "oi pelo lid");
        var c = await Eventually.Until(async () => (await f.AgentApi.InboundAsync(0, 1000)).Items.FirstOrDefault(i => i.Text == "oi pelo lid"), x => x is not null);
        Assert.Equal(contact, c!.Contact);
    }

    [Fact]
    public async Task Jwt_authenticated_webhooks_are_accepted()
    {
        var chip = await f.ChipAsync(jwt: true);
        var contact = f.NewContact();
        f.Sim.Inbound(chip.Instance, contact, "via jwt");
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE contact = @c", ("c", contact)) == 1, what: "the JWT webhook");
    }

    [Fact]
    public async Task Message_validation_and_cancel()
    {
        var http = f.Host.Http(f.AgentKey);
        async Task<string> Code(object body)
        {
            var res = await http.PostAsync("v1/messages", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
            Assert.Equal(422, (int)res.StatusCode);
            return JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;
        }
        var c = f.NewContact();
        Assert.Equal("invalid_text", await Code(new { contact = c, kind = "reply", text = "", idempotencyKey = "v1" }));
        Assert.Equal("text_too_long", await Code(new { contact = c, kind = "reply", text = new string('a', 4097), idempotencyKey = "v2" }));
        Assert.Equal("idempotency_key_required", await Code(new { contact = c, kind = "reply", text = "x" }));
        Assert.Equal("invalid_expires_at", await Code(new { contact = c, kind = "reply", text = "x", idempotencyKey = "v3", expiresAt = f.Clock.GetUtcNow().AddMinutes(-1) }));
        Assert.Equal("invalid_kind", await Code(new { contact = c, kind = "blast", text = "x", idempotencyKey = "v4" }));
        Assert.Equal("invalid_phone", await Code(new { contact = "123", kind = "reply", text = "x", idempotencyKey = "v5" }));
        Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM messages WHERE idempotency_key LIKE 'v_'"));

        // No chip can send (empty pool): it waits, and can be cancelled; a final message cannot.
        var (m, _) = await f.AgentApi.SendMessageAsync(c, "reply", "espera", "cancel-me", notBefore: f.Clock.GetUtcNow().AddHours(1));
        Assert.Equal("cancelled", (await f.AgentApi.CancelMessageAsync(m.MessageId)).Status);
        Assert.Equal("message_final", (await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.CancelMessageAsync(m.MessageId))).Code);
        Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.GetMessageAsync(999_999))).Status);
    }

    [Fact]
    public async Task A_message_expires_when_nothing_can_send_it_in_time()
    {
        var (m, _) = await f.AgentApi.SendMessageAsync(f.NewContact(), "reply", "sem chip", "expire-1", expiresAt: f.Clock.GetUtcNow().AddSeconds(2));
        f.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("expired", (await Final(m.MessageId)).Status);
    }
}
