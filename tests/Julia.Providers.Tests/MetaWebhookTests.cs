using System.Text;
using System.Text.Json;
using Julia.Providers.Meta;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Tests;

/// <summary>
/// Meta's webhook bodies through <see cref="MetaWebhooks"/> alone, over the corpus in
/// <c>tests/Julia.Server.Tests/Payloads/meta</c> (shapes from Graph v12 to v26): signature, routing by each field's key,
/// every item of a batch, and what each item reads as. The server's replay test posts the same files end to end.
/// </summary>
public class MetaWebhookTests
{
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Payloads", "meta");
    const string Secret = "app-secret-1", Uid = "TESTUID0001";

    internal static readonly MetaChip Chip = new(7, "106540352242922", "5531900000001", "102290129340398", "120000000000009", null);

    /// <summary>The one chip the corpus names (and the unknown number it names, which none has).</summary>
    internal sealed class Chips(params MetaChip[] chips) : IMetaChips
    {
        public ValueTask<MetaChip?> ByPhoneNumberIdAsync(string id, CancellationToken ct) => new(chips.FirstOrDefault(c => c.PhoneNumberId == id));
        public ValueTask<MetaChip?> ByDisplayNumberAsync(string digits, CancellationToken ct) => new(chips.FirstOrDefault(c => c.DisplayNumber == digits));
        public ValueTask<IReadOnlyList<MetaChip>> ByWabaAsync(string waba, CancellationToken ct) => new(chips.Where(c => c.WabaId == waba).ToList());
        public ValueTask<IReadOnlyList<MetaChip>> ByPortfolioAsync(string p, CancellationToken ct) => new(chips.Where(c => c.PortfolioId == p).ToList());
    }

    static MetaWebhooks Hooks(params string[] secrets) => new(new Chips(Chip), Microsoft.Extensions.Options.Options.Create(new MetaOptions { AppSecrets = [.. secrets] }));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Dir, "v*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    internal static string Body(string file, MetaChip chip) => File.ReadAllText(Path.Combine(Dir, file))
        .Replace("__PNID__", chip.PhoneNumberId).Replace("__DISPLAY__", chip.DisplayNumber).Replace("__WABA__", chip.WabaId)
        .Replace("__PORTFOLIO__", chip.PortfolioId).Replace("__UID__", Uid).Replace("__OUTBOX__", "outbox:42");

    static WebhookRequest Post(string body, string? signature) =>
        new(Encoding.UTF8.GetBytes(body), null, name => name == MetaSignature.Header ? signature : null);

    static async Task<WebhookIntake> ReceiveAsync(MetaWebhooks hooks, string body, string? signature) =>
        await hooks.ReceiveAsync(Post(body, signature), DateTimeOffset.UnixEpoch, CancellationToken.None);

    /// <summary>What each kept item comes to: its ignored reason at intake, or the event it reads as.</summary>
    static async Task<List<(WebhookItem Item, InboundEvent Read)>> ReadAllAsync(string file)
    {
        var body = Body(file, Chip);
        var intake = await ReceiveAsync(Hooks(Secret), body, MetaWebhooks.Sign(body, Secret));
        Assert.True(intake.Refusal is null, $"{file}: {intake.Refusal}");
        var list = new List<(WebhookItem, InboundEvent)>();
        foreach (var item in intake.Items)
            list.Add((item, item.Ignored is { } why ? new Ignored(why)
                : await Hooks(Secret).ReadAsync(item.Event, JsonDocument.Parse(item.Payload).RootElement, DateTimeOffset.UnixEpoch, CancellationToken.None)));
        return list;
    }

    [Fact]
    public void The_corpus_has_an_expectation_for_every_body()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement;
        var files = Directory.GetFiles(Dir, "v*.json").Select(f => Path.GetFileName(f)!).Order().ToList();
        Assert.True(files.Count >= 40, $"only {files.Count} payloads");
        Assert.Equal(files, expected.EnumerateObject().Select(p => p.Name).Order().ToList());
    }

    /// <summary>
    /// Each body's items read as its expected outcome says. Outcomes whose owner is not built yet (the template registry,
    /// number state, marketing opt-outs, alerts, contact links) are kept as ignored with a reason that records what they
    /// said: this test pins that they are kept and read without error, never lost or dead-lettered.
    /// </summary>
    static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory, MemberData(nameof(Files))]
    public async Task Every_item_reads_as_its_outcome(string file)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(file);
        var read = await ReadAllAsync(file);
        Assert.NotEmpty(read);
        Assert.DoesNotContain(read, r => r.Read is Unusable or TooEarly);
        var outcomes = expected.TryGetProperty("items", out var items) ? items.EnumerateArray().Select(i => i.GetString()!).ToList() : null;
        if (outcomes is not null)
        {
            Assert.Equal(outcomes.Count, read.Count);
            for (int i = 0; i < outcomes.Count; i++) Check(file, outcomes[i], [read[i]]);
        }
        else Check(file, expected.GetProperty("outcome").GetString()!, read);
    }

    static void Check(string file, string outcome, List<(WebhookItem Item, InboundEvent Read)> read)
    {
        var first = read[0].Read;
        var why = $"{file}: {string.Join(" | ", read.Select(r => r.Read))}";
        switch (outcome)
        {
            case "inbound":
                Assert.True(first is DoctorMessage, why);
                break;
            case "marketing_opt_out" when file.Contains("status-failed-131050"):
                // The receipt, and the doctor's "stop promotions" for every chip and provider.
                Assert.True(first is DeliveryReceipt { Status: "failed" }, why);
                Assert.True(read[1].Read is MarketingPreference { Stop: true, Source: "meta_131050" }, why);
                break;
            case "marketing_opt_out" or "marketing_opt_in" when read[0].Item.Event == "user_preference":
                Assert.True(first is MarketingPreference p && p.Stop == (outcome == "marketing_opt_out"), why);
                break;
            case "template" when read[0].Item.Event == "message_template_status_update":
                Assert.True(first is TemplateStatusChanged { Name.Length: > 0, Language.Length: > 0, Status.Length: > 0 }, why);
                break;
            case "template" when read[0].Item.Event == "template_category_update":
                Assert.True(first is TemplateCategoryChanged { Category.Length: > 0 }, why);
                break;
            case "receipt" when file.Contains("131047"):
                // The receipt, and Meta's word that the doctor's window on this chip is closed (from the status's own time).
                Assert.True(first is DeliveryReceipt { Status: "failed" }, why);
                var closed = Assert.IsType<WindowClosed>(read[1].Read);
                Assert.Equal((Chip.Id, 2), (read[1].Item.ChipId, read.Count));
                Assert.True(closed.Contact.IsBrazilian && closed.At > DateTimeOffset.UnixEpoch, why);
                break;
            case "receipt" or "marketing_opt_out" when file.Contains("status-failed"):
            case "template" or "number" when file.Contains("status-failed"):
                Assert.True(first is DeliveryReceipt { Status: "failed" }, why);
                if (file.Contains("131048")) Assert.True(read[1].Read is ChipSignal { Kind: ChipSignalKind.Restricted }, why);
                else Assert.Single(read);
                break;
            case "receipt":
                Assert.True(first is DeliveryReceipt, why);
                break;
            case "gate":
                Assert.True(first is ChipSignal { Kind: ChipSignalKind.Restricted }, why);
                Assert.Equal(Chip.Id, read[0].Item.ChipId);
                break;
            case "number" when file.Contains("phone_number_quality_update"):
                Assert.True(first is StandingReported, why);
                Assert.Equal(Chip.Id, read[0].Item.ChipId);
                break;
            case "number" when file.Contains("errors-130429"):
                Assert.True(first is ChipSignal { Kind: ChipSignalKind.RateLimited }, why);
                break;
            case "held":
                Assert.True(first is Held, why);
                break;
            case "unknown":
                Assert.All(read, r => Assert.Null(r.Item.ChipId));
                Assert.True(first is Ignored, why);
                break;
            case "ignored" or "stored" or "template" or "number" or "alert" or "contact" or "marketing_opt_out" or "marketing_opt_in":
                Assert.True(first is Ignored { Reason.Length: > 0 }, why);
                Assert.Equal(Chip.Id, read[0].Item.ChipId);
                break;
            default:
                Assert.Fail($"unknown outcome {outcome} for {file}");
                break;
        }
    }

    [Fact]
    public async Task A_batch_keeps_every_item_each_under_its_own_key()
    {
        var read = await ReadAllAsync("v24-batch-changes-messages-and-statuses.json");
        Assert.Equal(3, read.Select(r => r.Item.DedupeKey).Distinct().Count());
        var doctors = read.Select(r => r.Read).OfType<DoctorMessage>().Select(m => m.From.E164).ToList();
        Assert.Equal(2, doctors.Distinct().Count());
    }

    [Fact]
    public async Task The_same_body_again_has_the_same_keys()
    {
        foreach (var file in new[] { "v24-messages.text.json", "v24-account_update-ACCOUNT_DELETED.json", "v24-messages.status-failed-131048.json" })
            Assert.Equal((await ReadAllAsync(file)).Select(r => r.Item.DedupeKey), (await ReadAllAsync(file)).Select(r => r.Item.DedupeKey));
    }

    [Fact]
    public async Task A_brazilian_wa_id_without_the_ninth_digit_gets_it_back()
    {
        var m = Assert.IsType<DoctorMessage>((await ReadAllAsync("v23-messages.text-br-12digit-wa_id.json"))[0].Read);
        Assert.Equal("+5531977776666", m.From.E164);
    }

    [Fact]
    public async Task A_status_carries_our_message_id_and_a_failure_its_reason()
    {
        var delivered = Assert.IsType<DeliveryReceipt>((await ReadAllAsync("v23-messages.status-delivered-biz_opaque-bsuid.json"))[0].Read);
        Assert.Equal(("delivered", 42L), (delivered.Status, delivered.Ours));
        var failed = Assert.IsType<DeliveryReceipt>((await ReadAllAsync("v24-messages.status-failed-131050.json"))[0].Read);
        Assert.StartsWith("131050 doctor stopped marketing messages", failed.Error);
        Assert.Null(MetaOpaque.Parse("{\"campaign\":\"x\"}"));
    }

    [Fact]
    public async Task A_played_voice_note_is_read()
    {
        var r = Assert.IsType<DeliveryReceipt>((await ReadAllAsync("v23-messages.status-played.json"))[0].Read);
        Assert.Equal("read", r.Status);
    }

    [Fact]
    public async Task The_signature_is_over_the_raw_bytes_as_meta_escapes_them()
    {
        var body = Body("v25-messages.image-wire.json", Chip);
        Assert.Contains("\\u00", body);
        Assert.Null((await ReceiveAsync(Hooks(Secret), body, MetaWebhooks.Sign(body, Secret))).Refusal);
        // The same JSON re-serialised (accents as UTF-8, no \/) no longer matches the signature Meta sent.
        var reserialised = JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement, Relaxed);
        Assert.NotEqual(body, reserialised);
        Assert.Equal("invalid_signature", (await ReceiveAsync(Hooks(Secret), reserialised, MetaWebhooks.Sign(body, Secret))).Refusal?.Code);
    }

    [Theory]
    [InlineData(null, "unsigned", 401)]
    [InlineData("sha256=abc", "invalid_signature", 401)]
    [InlineData("sha1=0000000000000000000000000000000000000000000000000000000000000000", "invalid_signature", 401)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", "invalid_signature", 401)]
    public async Task A_body_not_signed_by_our_app_is_refused(string? signature, string code, int status)
    {
        var refusal = (await ReceiveAsync(Hooks(Secret), Body("v24-messages.text.json", Chip), signature)).Refusal;
        Assert.Equal((status, code), (refusal?.Status, refusal?.Code));
    }

    [Fact]
    public async Task With_no_app_secret_anywhere_every_body_is_refused()
    {
        var body = Body("v24-messages.text.json", Chip);
        Assert.Equal("no_app_secret", (await ReceiveAsync(Hooks(), body, MetaWebhooks.Sign(body, "anything"))).Refusal?.Code);
    }

    [Theory]
    [InlineData("{not json", "malformed_json")]
    [InlineData("[]", "invalid_payload")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}", "invalid_payload")]
    [InlineData("{\"entry\":[1]}", "invalid_payload")]
    public async Task A_body_that_is_not_a_meta_event_is_400(string body, string code)
    {
        var refusal = (await ReceiveAsync(Hooks(Secret), body, MetaWebhooks.Sign(body, Secret))).Refusal;
        Assert.Equal((400, code), (refusal?.Status, refusal?.Code));
    }

    [Fact]
    public async Task A_chips_own_app_secret_vouches_for_that_chip_only()
    {
        var own = Chip with { AppSecret = "chip-secret" };
        var hooks = new MetaWebhooks(new Chips(own), Microsoft.Extensions.Options.Options.Create(new MetaOptions()));
        var body = Body("v24-messages.text.json", own);
        Assert.Null((await hooks.ReceiveAsync(Post(body, MetaWebhooks.Sign(body, "chip-secret")), default, default)).Refusal);
        // A body about a number of no chip: no secret vouches for it (fails closed).
        var unknown = Body("v24-messages.text-unknown-number.json", own);
        Assert.Equal("no_app_secret", (await hooks.ReceiveAsync(Post(unknown, MetaWebhooks.Sign(unknown, "chip-secret")), default, default)).Refusal?.Code);
        // A WABA event that reaches a chip of another app too, signed with one chip's secret: refused.
        var other = own with { Id = 8, PhoneNumberId = "106540352242923", DisplayNumber = "5531900000002", AppSecret = "other-secret" };
        var both = new MetaWebhooks(new Chips(own, other), Microsoft.Extensions.Options.Options.Create(new MetaOptions()));
        var waba = Body("v24-account_update-ACCOUNT_DELETED.json", own);
        Assert.Equal("invalid_signature", (await both.ReceiveAsync(Post(waba, MetaWebhooks.Sign(waba, "chip-secret")), default, default)).Refusal?.Code);
    }

    [Fact]
    public async Task A_waba_event_goes_to_every_chip_of_the_waba()
    {
        var second = Chip with { Id = 8, PhoneNumberId = "106540352242923", DisplayNumber = "5531900000002" };
        var hooks = new MetaWebhooks(new Chips(Chip, second), Microsoft.Extensions.Options.Options.Create(new MetaOptions { AppSecrets = [Secret] }));
        var body = Body("v24-account_update-ACCOUNT_DELETED.json", Chip);
        var intake = await hooks.ReceiveAsync(Post(body, MetaWebhooks.Sign(body, Secret)), default, default);
        Assert.Equal([7L, 8L], intake.Items.Select(i => i.ChipId!.Value).Order());
        Assert.Equal(2, intake.Items.Select(i => i.DedupeKey).Distinct().Count());
    }
}
