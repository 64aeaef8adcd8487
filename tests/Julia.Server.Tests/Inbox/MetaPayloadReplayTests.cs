using System.Net;
using System.Text;
using System.Text.Json;
using Julia.Providers.Meta;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Inbox;

/// <summary>
/// Replays every Meta Cloud API webhook body in <c>Payloads/meta</c> (Graph v12 to v26 shapes, see its README) through
/// <c>POST /webhooks/meta</c>, signed as Meta signs them, and checks what became of each item, as
/// <c>Payloads/meta/expected.json</c> says: always 200, every entry, change and item stored before the answer. Outcomes
/// whose owner is not built yet (template quality, number state, operator alerts, contact
/// links) are checked as kept and recorded as ignored with a reason; gate, inbound, receipt, held, unknown, template
/// status and category changes and marketing opt-outs (user_preferences, 131050) are checked as applied.
/// </summary>
public class MetaPayloadReplayTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Payloads", "meta");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Dir, "v*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    internal static HttpRequestMessage Post(string body, string? secret = SendingFixture.MetaAppSecret, string? signature = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "webhooks/meta") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        req.Content.Headers.ContentType = new("application/json");
        if ((signature ?? (secret is null ? null : MetaWebhooks.Sign(body, secret))) is { } sig) req.Headers.Add(MetaSignature.Header, sig);
        return req;
    }

    [Theory, MemberData(nameof(Files))]
    public async Task Replayed(string file)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(file);
        var chip = await f.MetaChipAsync();
        var uid = Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var body = File.ReadAllText(Path.Combine(Dir, file))
            .Replace("__PNID__", chip.PhoneNumberId).Replace("__DISPLAY__", chip.Display).Replace("__WABA__", chip.Waba)
            .Replace("__PORTFOLIO__", chip.Portfolio).Replace("__UID__", uid).Replace("__OUTBOX__", "outbox:" + uid);
        await Sql.Exec(f.Db, "UPDATE pool_state SET gate_tripped = false, tripped_at = NULL, tripped_reason = NULL");

        var res = await f.Host.Http().SendAsync(Post(body));
        var answer = await res.Content.ReadAsStringAsync();
        Assert.True(expected.GetProperty("status").GetInt32() == (int)res.StatusCode, $"{file}: {(int)res.StatusCode} {answer}");
        // Every item of the body is stored before the answer: what the chip gets later (the statuses of a reply it sends) is not this body's.
        var last = await f.Scalar<long>("SELECT coalesce(max(id), 0) FROM inbox");

        var outcome = expected.GetProperty("outcome").GetString();
        if (outcome == "unknown")
        {
            Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE chip_id = @c", ("c", chip.Id)));
            var reason = JsonDocument.Parse(answer).RootElement.GetProperty("reason").GetString();
            Assert.StartsWith("no chip", reason);
            Assert.True(await f.Scalar<long>("SELECT count(*) FROM inbox WHERE chip_id IS NULL AND source = 'meta' AND status = 'ignored' AND error = @r",
                ("r", reason)) >= 1);
            return;
        }

        // Every item of the body, once the inbox worker is done with it (a receipt for a send this test never made waits).
        var rows = await Eventually.Until(() => RowsAsync(chip.Id, last), r => r.Count > 0 && r.All(x => x.Status is not ("pending" or "processing")),
            what: $"{file} to be processed");
        output.WriteLine($"{file}: {string.Join(" | ", rows)}");
        var items = expected.TryGetProperty("items", out var it) ? it.EnumerateArray().Select(i => i.GetString()!).ToList() : null;
        if (items is not null)
        {
            Assert.Equal(items.Count, rows.Count);
            for (int i = 0; i < items.Count; i++) await CheckAsync(file, items[i], rows[i], uid, chip.Id);
            return;
        }
        await CheckAsync(file, outcome!, rows[0], uid, chip.Id);
        if (file.Contains("status-failed-131048"))
        {
            // The spam rate limit also stops the chip (a quality signal: never routed around).
            Assert.Equal(("failure", "applied"), (rows[1].Event, rows[1].Status));
            Assert.Equal("paused", await f.Scalar<string>("SELECT status FROM chips WHERE id = @c", ("c", chip.Id)));
        }
        else if (file.Contains("status-failed-131050"))
        {
            // The doctor stopped promotions: the contact's marketing opt-out, on every chip and provider.
            Assert.Equal(("marketing_stop", "applied"), (rows[1].Event, rows[1].Status));
            Assert.True(await f.Scalar<bool>("SELECT marketing_opted_out_at IS NOT NULL FROM contacts WHERE phone = '+5531988887777'"));
        }
        else if (file.Contains("status-failed-131047"))
        {
            // Meta holds the doctor's window on this chip closed: kept, so free text waits for the doctor's next message. Like the
            // receipt, the item then waits for a send of ours to put again as its template (none here).
            Assert.Equal(("window_closed", rows[0].Status), (rows[1].Event, rows[1].Status));
            Assert.Equal(1L, await f.Scalar<long>("SELECT count(*) FROM meta_window_closures WHERE chip_id = @c AND contact = '+5531988887777'",
                ("c", chip.Id)));
        }
        else Assert.All(rows, r => Assert.Equal(rows[0].Status, r.Status));
    }

    async Task CheckAsync(string file, string outcome, Row row, string uid, long chipId)
    {
        switch (outcome)
        {
            case "inbound":
                Assert.Equal(("message", "applied"), (row.Event, row.Status));
                var contact = await f.Scalar<string>("SELECT contact FROM inbound WHERE chip_id = @c AND provider_message_id LIKE '%' || @u || '%' ORDER BY id LIMIT 1",
                    ("c", chipId), ("u", uid));
                Assert.True(Domain.Phones.Phone.TryParse(contact, out var parsed) && parsed.E164 == contact, contact);
                if (file.Contains("12digit")) Assert.Equal("+5531977776666", contact); // the ninth digit put back
                break;
            case var _ when row.Event == "status":
                // A status (failed ones too, whatever they also mean) is a receipt: it names a send this test never made, so it waits for it.
                Assert.True(outcome is "receipt" or "marketing_opt_out" or "template" or "number", $"{file}: {outcome}");
                Assert.Equal(("waiting", "no recorded send with this id yet"), (row.Status, row.Error));
                break;
            case "gate":
                Assert.Equal("applied", row.Status);
                Assert.Equal("paused", await f.Scalar<string>("SELECT status FROM chips WHERE id = @c", ("c", chipId)));
                Assert.True(await f.Scalar<bool>("SELECT gate_tripped FROM pool_state"));
                break;
            case "number" when row.Event == "phone_number_quality_update":
                // The standing the webhook says (a tier, a throughput, legacy FLAGGED as RED) is recorded on the chip by its grain.
                Assert.Equal("applied", row.Status);
                Assert.True(await f.Scalar<bool>("SELECT coalesce(quality_rating, messaging_limit, throughput_per_s::text) IS NOT NULL FROM meta_chips WHERE chip_id = @c",
                    ("c", chipId)), file);
                break;
            case "number" when row.Event == "errors":
                Assert.Equal("applied", row.Status);
                Assert.True(await f.Scalar<bool>("SELECT cooldown_until IS NOT NULL FROM chips WHERE id = @c", ("c", chipId)));
                break;
            case "held":
                Assert.Equal("held", row.Status);
                break;
            case "template" when row.Event is "message_template_status_update" or "template_category_update":
                Assert.Equal("applied", row.Status);
                Assert.True(await f.Scalar<long>("SELECT count(*) FROM meta_templates WHERE waba_id = (SELECT waba_id FROM meta_chips WHERE chip_id = @c)",
                    ("c", chipId)) > 0 || row.Event == "template_category_update");
                break;
            case "marketing_opt_out" or "marketing_opt_in" when row.Event == "user_preference":
                Assert.Equal("applied", row.Status);
                if (outcome == "marketing_opt_out")
                    Assert.True(await f.Scalar<bool>("SELECT marketing_opted_out_at IS NOT NULL FROM contacts WHERE phone = '+5531988887777'"));
                break;
            case "ignored" or "stored" or "template" or "number" or "alert" or "contact" or "marketing_opt_out" or "marketing_opt_in":
                Assert.Equal("ignored", row.Status);
                Assert.False(string.IsNullOrEmpty(row.Error));
                break;
            default:
                Assert.Fail($"outcome {outcome} of {file} not checked");
                break;
        }
    }

    sealed record Row(string Event, string Status, string? Error);

    async Task<List<Row>> RowsAsync(long chipId, long last)
    {
        await using var cmd = f.Db.CreateCommand("""
            SELECT event, CASE WHEN status = 'pending' AND attempts > 0 THEN 'waiting' ELSE status END, error FROM inbox
            WHERE chip_id = @c AND id <= @last ORDER BY id
            """);
        cmd.Parameters.AddWithValue("c", chipId);
        cmd.Parameters.AddWithValue("last", last);
        var rows = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return rows;
    }

    [Theory]
    [InlineData("unsigned", 401)]
    [InlineData("invalid_signature", 401)]
    [InlineData("malformed_json", 400)]
    [InlineData("invalid_payload", 400)]
    public async Task A_body_that_is_not_meta_s_is_refused_and_nothing_is_stored(string code, int status)
    {
        var chip = await f.MetaChipAsync();
        var body = File.ReadAllText(Path.Combine(Dir, "v24-messages.text.json")).Replace("__PNID__", chip.PhoneNumberId).Replace("__UID__", "REFUSED");
        var req = code switch
        {
            "unsigned" => Post(body, secret: null),
            "invalid_signature" => Post(body, secret: "not-our-app"),
            "malformed_json" => Post(body[..^3]),
            _ => Post("""{"object":"whatsapp_business_account","entry":{}}"""),
        };
        var before = await f.Scalar<long>("SELECT count(*) FROM inbox WHERE source = 'meta'");
        var res = await f.Host.Http().SendAsync(req);
        Assert.Equal(status, (int)res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(before, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE source = 'meta'"));
    }

    [Fact]
    public async Task The_same_body_twice_is_stored_once()
    {
        var chip = await f.MetaChipAsync();
        var body = File.ReadAllText(Path.Combine(Dir, "v24-messages.text.json")).Replace("__PNID__", chip.PhoneNumberId).Replace("__UID__", "DUP" + chip.Id);
        var first = await (await f.Host.Http().SendAsync(Post(body))).Content.ReadAsStringAsync();
        var second = await (await f.Host.Http().SendAsync(Post(body))).Content.ReadAsStringAsync();
        Assert.Contains("stored", first);
        Assert.Contains("duplicate", second);
        Assert.Equal(1L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE chip_id = @c", ("c", chip.Id)));
    }

    /// <summary>
    /// A status whose wamid we never recorded (the send's answer was lost) still finds its send by our message id, echoed
    /// in biz_opaque_callback_data; a failure keeps Meta's reason in the error table's words.
    /// </summary>
    [Theory]
    [InlineData("v24-messages.status-sent-pricing-no-conversation.json", "sent", "delivered", null)]
    [InlineData("v23-messages.status-delivered-biz_opaque-bsuid.json", "sent", "delivered", null)]
    [InlineData("v24-messages.status-failed-131047.json", "sent", "failed", "131047 more than 24 h since the doctor wrote to this number")]
    public async Task A_status_finds_its_send_by_our_id_when_the_wamid_is_unknown(string file, string from, string to, string? error)
    {
        var chip = await f.MetaChipAsync();
        var now = f.Clock.GetUtcNow();
        var id = await f.Scalar<long>("""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, provider_message_id, next_attempt_at, expires_at, created_at, updated_at, sent_at)
            VALUES (@k, '+5531988887777', 'reply', 'Olá', @s, @c, @p, @now, @now + interval '1 day', @now, @now, @now) RETURNING id
            """, ("k", "opaque-" + chip.Id + file), ("s", from), ("c", chip.Id), ("p", "wamid.NEVERSEEN" + chip.Id), ("now", now));
        var body = File.ReadAllText(Path.Combine(Dir, file)).Replace("__PNID__", chip.PhoneNumberId).Replace("__DISPLAY__", chip.Display)
            .Replace("__WABA__", chip.Waba).Replace("__UID__", "OTHER" + chip.Id).Replace("__OUTBOX__", MetaOpaque.For(id));
        if (to == "delivered") body = body.Replace("\"status\": \"sent\"", "\"status\": \"delivered\"");
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Http().SendAsync(Post(body))).StatusCode);
        var status = await Eventually.Until(() => f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", id)), s => s == to, what: $"{file} applied");
        Assert.Equal(to, status);
        if (error is not null) Assert.StartsWith(error, await f.Scalar<string>("SELECT last_error FROM messages WHERE id = @id", ("id", id)));
    }

    /// <summary>End to end: a doctor writes on the Meta simulator, whose webhook (escaped and signed as Meta's) reaches the agent.</summary>
    [Fact]
    public async Task A_doctor_writing_on_the_simulator_reaches_the_agent()
    {
        var chip = await f.MetaChipAsync();
        await using var sim = await Julia.Simulator.MetaSimulator.StartAsync(new Julia.Simulator.MetaSimulatorOptions
        {
            Clock = f.Clock,
            AppSecret = SendingFixture.MetaAppSecret,
            WebhookUrl = f.Host.BaseAddress + "webhooks/meta",
        });
        sim.AddNumber(new Julia.Simulator.MetaNumber(chip.PhoneNumberId, "token", chip.Display, chip.Waba));
        Assert.Equal(200, await sim.DoctorSaysAsync(chip.PhoneNumberId, "5531988887777", "Tenho interesse no plantão de sábado 👍", "Ana Souza"));
        var text = await Eventually.Until(() => f.Scalar<string?>("SELECT text FROM inbound WHERE chip_id = @c", ("c", chip.Id)), t => t is not null);
        Assert.Equal("Tenho interesse no plantão de sábado 👍", text);
    }

    [Theory]
    [InlineData("subscribe", SendingFixture.MetaVerifyToken, HttpStatusCode.OK)]
    [InlineData("subscribe", "wrong", HttpStatusCode.Forbidden)]
    [InlineData("unsubscribe", SendingFixture.MetaVerifyToken, HttpStatusCode.BadRequest)]
    public async Task Meta_s_subscription_check_gets_the_challenge_back_only_with_our_token(string mode, string token, HttpStatusCode status)
    {
        var res = await f.Host.Http().GetAsync($"webhooks/meta?hub.mode={mode}&hub.challenge=1158201444&hub.verify_token={token}");
        Assert.Equal(status, res.StatusCode);
        if (status == HttpStatusCode.OK) Assert.Equal("1158201444", await res.Content.ReadAsStringAsync());
        else Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
    }
}
