using System.Net;
using System.Text;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Selection;

public class SelectionApiTests(ServiceFixture f, ITestOutputHelper output) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);

    public async Task InitializeAsync()
    {
        f.Clock.Set(ManualClock.MondayNoon);
        await f.FreshPoolAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Same_contact_twice_gets_the_same_chip()
    {
        await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 90);
        var contact = await f.ContactAsync();
        var first = await f.Agent.SelectAsync(contact, "reply");
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await f.Agent.SelectAsync(contact, "resposta");
        Assert.Equal(first.ChipId, second.ChipId);
        Assert.Equal("ranked", first.Reason);
        Assert.Equal("affinity", second.Reason);
        Assert.Equal(first.ConversationId, second.ConversationId);
        Assert.Equal(first.ChipId, (await f.Agent.GetConversationAsync(contact)).ChipId);
    }

    [Fact]
    public async Task Paused_affinity_chip_fails_over_and_the_migration_is_recorded()
    {
        var a = await f.ChipAsync(trust: 95);
        var b = await f.ChipAsync(trust: 85);
        var contact = await f.ContactAsync();
        Assert.Equal(a, (await f.Agent.SelectAsync(contact, "followup")).ChipId);

        await f.Operator.PauseChipAsync(a, "operator check");
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        var moved = await f.Agent.SelectAsync(contact, "followup");
        Assert.Equal((b, "failover", (long?)a, true), (moved.ChipId, moved.Reason, moved.MigratedFrom, moved.AnnouncementPending));

        var conv = await f.Agent.GetConversationAsync(contact);
        Assert.Equal((b, (long?)a, true), (conv.ChipId, conv.MigratedFrom, conv.AnnouncementPending));
        Assert.Equal(f.Clock.GetUtcNow(), conv.MigratedAt);
        var op = (await f.Admin.ListOperationsAsync(b)).Single(o => o.Action == "conversation_migrated");
        Assert.Equal(contact, op.Contact);
        Assert.Contains("status", op.Reason);
    }

    [Fact]
    public async Task Pacing_affinity_chip_is_waited_for_not_replaced()
    {
        var a = await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 90);
        var contact = await f.ContactAsync();
        Assert.Equal(a, (await f.Agent.SelectAsync(contact, "reply")).ChipId);
        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(contact, "reply"));
        Assert.Equal((409, "chip_busy"), (e.Status, e.Code));
        Assert.Equal(ManualClock.MondayNoon.AddSeconds(45), e.Problem.GetProperty("retryAt").GetDateTimeOffset());
        Assert.Equal(a, (await f.Agent.GetConversationAsync(contact)).ChipId);
    }

    [Fact]
    public async Task Own_chip_held_by_another_reservation_is_waited_for_then_rechecked()
    {
        var a = await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 90);
        var contact = await f.ContactAsync();
        Assert.Equal(a, (await f.Agent.SelectAsync(contact, "reply")).ChipId);
        f.Clock.Advance(TimeSpan.FromMinutes(1));

        // Another reservation holds the contact's chip: the selection waits for it instead of skipping it.
        await using var holder = await f.Db.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand($"SELECT 1 FROM chips WHERE id = {a} FOR UPDATE", holder, tx))
            await lockRow.ExecuteNonQueryAsync();
        var selecting = f.Agent.SelectAsync(contact, "reply");
        await Eventually.True(async () => await f.Scalar<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0, what: "selection waits on the chip row");
        Assert.False(selecting.IsCompleted);
        await tx.CommitAsync();
        var second = await selecting;
        Assert.Equal((a, "affinity"), (second.ChipId, second.Reason));
    }

    [Fact]
    public async Task Opt_out_then_prospecting_is_refused_on_every_chip()
    {
        await f.ChipAsync(trust: 95);
        await f.ChipAsync(trust: 92, ddd: 21);
        var contact = await f.ContactAsync();
        await f.Agent.OptOutAsync(contact, "test");
        foreach (var kind in new[] { "prospecting", "followup", "reply" })
        {
            var e = await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(contact, kind));
            Assert.Equal((422, "contact_opted_out"), (e.Status, e.Code));
        }
        Assert.Equal(0L, await f.Scalar<long>("SELECT coalesce(sum(sent_this_hour), 0) FROM chips WHERE status = 'active'"));
    }

    [Fact]
    public async Task Each_guardrail_refuses_with_its_own_code()
    {
        await f.ChipAsync(trust: 95);
        var noBasis = await f.ContactAsync(basis: false);
        Assert.Equal("no_lawful_basis", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(noBasis, "prospeccao"))).Code);

        var c = await f.ContactAsync();
        await f.Operator.PauseProspectingAsync("spam report under review");
        var paused = await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(c, "prospecting"));
        Assert.Equal((409, "prospecting_paused"), (paused.Status, paused.Code));
        Assert.True((await f.Operator.GetPoolAsync()).Gate.Tripped);
        await f.Operator.ResumeProspectingAsync("reviewed: false alarm");
        Assert.Equal("gate_not_tripped", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Operator.ResumeProspectingAsync("again"))).Code);
        Assert.NotNull(await f.Agent.SelectAsync(c, "prospecting"));

        f.Clock.Set(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(-3))); // Saturday
        var weekend = await f.ContactAsync();
        var window = await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(weekend, "followup"));
        Assert.Equal("outside_sending_window", window.Code);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(-3)), window.Problem.GetProperty("opensAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Frequency_cap_after_two_unanswered_business_messages()
    {
        await f.ChipAsync(trust: 95);
        var c = await f.ContactAsync();
        await f.Agent.SelectAsync(c, "prospecting");
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        await f.Agent.SelectAsync(c, "followup");
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("contact_frequency_cap", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(c, "followup"))).Code);
        Assert.NotNull(await f.Agent.SelectAsync(c, "reply")); // replies are not business-initiated
    }

    [Fact]
    public async Task No_eligible_chip_reports_why_each_was_left_out()
    {
        await f.ChipAsync(trust: 70);                      // below prospecting threshold
        await f.ChipAsync(trust: 95, connected: false);
        await f.ChipAsync(status: "paused");
        var e = await Assert.ThrowsAsync<JuliaApiException>(async () => await f.Agent.SelectAsync(await f.ContactAsync(), "prospecting"));
        Assert.Equal((409, "no_eligible_chip"), (e.Status, e.Code));
        var excluded = e.Problem.GetProperty("excluded");
        Assert.Equal(1, excluded.GetProperty("trust_below_threshold").GetInt32());
        Assert.Equal(1, excluded.GetProperty("disconnected").GetInt32());
        Assert.Equal(1, excluded.GetProperty("status").GetInt32());
        var record = (await f.Operator.ListSelectionsAsync(limit: 1)).Single();
        Assert.Equal("no_eligible_chip", record.Code);
        Assert.StartsWith("+55 11 ****-", record.Contact); // masked for an operator
        Assert.Equal(1, record.Excluded.GetProperty("disconnected").GetInt32());
    }

    [Fact]
    public async Task Followup_falls_back_to_40_but_prospecting_never_does()
    {
        var chip = await f.ChipAsync(trust: 50);
        var c = await f.ContactAsync();
        Assert.Equal("no_eligible_chip", (await Assert.ThrowsAsync<JuliaApiException>(() => f.Agent.SelectAsync(c, "prospecting"))).Code);
        Assert.Equal(chip, (await f.Agent.SelectAsync(c, "followup")).ChipId);
        Assert.True((await f.Admin.ListSelectionsAsync(limit: 1)).Single().Fallback);
    }

    [Fact]
    public async Task Caps_count_in_the_chip_row()
    {
        var chip = await f.ChipAsync(trust: 95);
        await f.Agent.SelectAsync(await f.ContactAsync(), "reply");
        var row = await f.Operator.GetChipAsync(chip);
        Assert.Equal((1, 1), (row.SentThisHour, row.SentToday));
        Assert.Equal(f.Clock.GetUtcNow(), row.LastSentAt);
    }

    [Theory]
    [InlineData("{\"contact\":\"+5511900000001\",\"kind\":\"spam\"}", 422, "invalid_kind")]
    [InlineData("{\"contact\":\"+1 555 0100\",\"kind\":\"reply\"}", 422, "invalid_phone")]
    [InlineData("{\"contact\":", 400, "malformed_json")]
    [InlineData("{\"contact\": 5511900000001, \"kind\": \"reply\"}", 400, "malformed_json")]
    [InlineData("[]", 400, "malformed_json")]
    public async Task Bad_requests_get_problem_json_and_change_nothing(string body, int status, string code)
    {
        await f.ChipAsync(trust: 95);
        var before = await f.Scalar<long>("SELECT count(*) FROM selections");
        var res = await f.Host.Http(f.AgentKey).PostAsync("v1/selections", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"code\":\"{code}\"", await res.Content.ReadAsStringAsync());
        Assert.Equal(before, await f.Scalar<long>("SELECT count(*) FROM selections"));
        Assert.Equal(0L, await f.Scalar<long>("SELECT coalesce(sum(sent_this_hour), 0) FROM chips WHERE status <> 'retired'"));
    }

    /// <summary>
    /// conversationId was once part of both request bodies, published and never read; it left the contract, but a
    /// client that still sends it (or any field the API does not know) is served as before, not refused.
    /// </summary>
    [Fact]
    public async Task A_request_with_a_field_the_API_no_longer_reads_is_still_served()
    {
        var chip = await f.ChipAsync(trust: 95);
        var contact = await f.ContactAsync();
        var http = f.Host.Http(f.AgentKey);
        var selected = await http.PostAsync("v1/selections", new StringContent(
            $"{{\"contact\":\"{contact}\",\"kind\":\"reply\",\"conversationId\":987,\"someFutureField\":{{\"a\":1}}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, selected.StatusCode);
        Assert.Contains($"\"chipId\":{chip}", await selected.Content.ReadAsStringAsync());

        var queued = await http.PostAsync("v1/messages", new StringContent(
            $"{{\"contact\":\"{contact}\",\"kind\":\"reply\",\"text\":\"Oi!\",\"idempotencyKey\":\"old-client-{chip}\",\"conversationId\":987}}",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        Assert.Equal(1L, await f.Scalar<long>($"SELECT count(*) FROM messages WHERE idempotency_key = 'old-client-{chip}'"));
    }

    [Fact]
    public async Task Exclude_chips_is_honoured()
    {
        var a = await f.ChipAsync(trust: 99);
        var b = await f.ChipAsync(trust: 85);
        Assert.Equal(b, (await f.Agent.SelectAsync(await f.ContactAsync(), "reply", [a])).ChipId);
    }

    [Fact]
    public async Task Operator_key_cannot_select()
    {
        var res = await f.Host.Http(f.OperatorKey).PostAsync("v1/selections",
            new StringContent("{\"contact\":\"11900000001\",\"kind\":\"reply\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
    }
}
