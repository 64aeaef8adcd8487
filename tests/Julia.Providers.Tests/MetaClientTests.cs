using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Julia.Domain.Sending;
using Julia.Providers.Meta;
using Julia.Providers.Webhooks;
using Julia.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Julia.Providers.Tests;

/// <summary>
/// The Cloud API client against <see cref="MetaSimulator"/>: what it posts (text, template, reply, our id), how Meta's answers
/// come back classified by code, that a timeout is never posted again, and that the simulator's webhooks are escaped and
/// signed as Meta's so <see cref="MetaWebhooks"/> takes them.
/// </summary>
/// <remarks>
/// The simulator keeps a strict pair rate here (one message per 6 s, no burst).
/// </remarks>
public sealed class MetaClientTests() : MetaSimTests(Number, clock => new MetaSimulatorOptions { Clock = clock, PairBurst = 1 })
{
    static readonly MetaNumber Number = new("106540352242922", "EAAG-token", "5531900000001", "102290129340398");

    [Fact]
    public async Task A_reply_goes_as_meta_takes_it_with_our_id()
    {
        var r = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 9, Text: "Olá, Dra. Ana! Plantão sábado?", ReplyTo: "wamid.IN_1"), default);
        Assert.Equal(SendOutcome.Sent, r.Outcome);
        var sent = Assert.Single(Sim.Sent);
        Assert.Equal(r.MessageId, sent.WamId);
        Assert.Equal(("+5531988887777", "text", "Olá, Dra. Ana! Plantão sábado?", "wamid.IN_1", "outbox:9"),
            (sent.Body["to"]!.GetValue<string>(), sent.Body["type"]!.GetValue<string>(), sent.Body["text"]!["body"]!.GetValue<string>(),
             sent.Body["context"]!["message_id"]!.GetValue<string>(), sent.Body["biz_opaque_callback_data"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_template_carries_its_name_language_and_parameters()
    {
        Sim.AddTemplate(Number.WabaId, "convite_plantao", "MARKETING", body: "Olá {{1}}! Plantão {{2}}: posso te mandar os detalhes?");
        var r = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 10,
            Template: new MetaTemplate("convite_plantao", "pt_BR", ["Dra. Ana", "sábado 19h"])), default);
        Assert.Equal(SendOutcome.Sent, r.Outcome);
        var t = Assert.Single(Sim.Sent).Body["template"]!;
        Assert.Equal(("convite_plantao", "pt_BR"), (t["name"]!.GetValue<string>(), t["language"]!["code"]!.GetValue<string>()));
        Assert.Equal(["Dra. Ana", "sábado 19h"], t["components"]![0]!["parameters"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_template_with_the_wrong_number_of_parameters_is_refused_132000_and_nothing_is_sent()
    {
        Sim.AddTemplate(Number.WabaId, "convite_plantao", "MARKETING", body: "Olá {{1}}! Plantão {{2}}, {{1}}?");
        var r = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 10, Template: new MetaTemplate("convite_plantao", "pt_BR", ["Dra. Ana"])), default);
        Assert.Equal((SendOutcome.Permanent, SendConcern.Message, "132000"), (r.Outcome, r.Concerns, r.Code));
        Assert.Empty(Sim.Sent);
    }

    [Fact]
    public async Task The_pair_rate_is_about_the_doctor_and_passes_after_six_seconds()
    {
        Assert.Equal(SendOutcome.Sent, (await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 1, Text: "um"), default)).Outcome);
        var again = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 2, Text: "dois"), default);
        Assert.Equal((SendOutcome.RateLimited, SendConcern.Contact, "131056"), (again.Outcome, again.Concerns, again.Code));
        Assert.Equal(SendOutcome.Sent, (await Client.SendAsync(From, new MetaOutgoing("+5521999990000", 3, Text: "outra"), default)).Outcome);
        Clock.Now += TimeSpan.FromSeconds(6);
        Assert.Equal(SendOutcome.Sent, (await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 2, Text: "dois"), default)).Outcome);
    }

    [Theory]
    [InlineData(130429, SendOutcome.RateLimited, SendConcern.Chip)]
    [InlineData(131000, SendOutcome.Transient, SendConcern.Chip)]
    [InlineData(368, SendOutcome.SpamRestriction, SendConcern.Chip)]
    [InlineData(131048, SendOutcome.SpamRestriction, SendConcern.Chip)]
    [InlineData(190, SendOutcome.Permanent, SendConcern.Chip)]
    [InlineData(131026, SendOutcome.Permanent, SendConcern.Contact)]
    [InlineData(132001, SendOutcome.Permanent, SendConcern.Message)]
    public async Task Meta_s_errors_come_back_by_code_whatever_their_http_status(int code, SendOutcome outcome, SendConcern concern)
    {
        Sim.Inject(Number.PhoneNumberId, code);
        var r = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 1, Text: "x"), default);
        Assert.Equal((outcome, concern, code.ToString()), (r.Outcome, r.Concerns, r.Code));
        Assert.Contains("fbtrace_id", r.Detail);
    }

    [Fact]
    public async Task A_graph_version_below_v24_and_a_wrong_token_are_refused_by_code()
    {
        var old = await Client.SendAsync(From with { GraphVersion = "v21.0" }, new MetaOutgoing("+5531988887777", 1, Text: "x"), default);
        Assert.Equal(("100", SendConcern.Message), (old.Code, old.Concerns));
        var token = await Client.SendAsync(From with { Token = "expired" }, new MetaOutgoing("+5531988887777", 1, Text: "x"), default);
        Assert.Equal(("190", SendOutcome.Permanent, SendConcern.Chip), (token.Code, token.Outcome, token.Concerns));
    }

    [Fact]
    public async Task Free_text_outside_the_window_is_accepted_then_fails_131047_by_webhook()
    {
        var statuses = new List<JsonElement>();
        var got = new TaskCompletionSource();
        await using var listener = await ListenAsync(body =>
        {
            var v = JsonDocument.Parse(body).RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
            if (v.TryGetProperty("statuses", out var s)) lock (statuses) { statuses.Add(s[0].Clone()); if (statuses.Count >= 2) got.TrySetResult(); }
        });
        Sim.Options.WebhookUrl = listener.Urls.First() + "/hook";
        // No message from this doctor yet: the text is accepted (200), and fails by webhook.
        var outside = await Client.SendAsync(From, new MetaOutgoing("+5531988887777", 21, Text: "oi"), default);
        Assert.Equal(SendOutcome.Sent, outside.Outcome);
        await Sim.DoctorSaysAsync(Number.PhoneNumberId, "5521999990000", "oi");
        var inside = await Client.SendAsync(From, new MetaOutgoing("+5521999990000", 22, Text: "olá"), default);
        await got.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (statuses)
        {
            var failed = Assert.Single(statuses, s => s.GetProperty("status").GetString() == "failed");
            Assert.Equal((outside.MessageId, "outbox:21", 131047), (failed.GetProperty("id").GetString(),
                failed.GetProperty("biz_opaque_callback_data").GetString(), failed.GetProperty("errors")[0].GetProperty("code").GetInt32()));
            Assert.Contains(statuses, s => s.GetProperty("id").GetString() == inside.MessageId && s.GetProperty("status").GetString() == "sent");
        }
    }

    static async Task<WebApplication> ListenAsync(Action<byte[]> onBody)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/hook", async (Microsoft.AspNetCore.Http.HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            onBody(ms.ToArray());
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Mark_as_read_with_typing()
    {
        Assert.Equal(SendOutcome.Sent, (await Client.MarkReadAsync(From, "wamid.IN_1", typing: true, default)).Outcome);
    }

    sealed class Silent : HttpMessageHandler
    {
        public int Calls;
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException();
        }
    }

    [Fact]
    public async Task A_send_that_timed_out_is_not_posted_again()
    {
        var handler = new Silent();
        var client = new MetaClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") }, TimeSpan.FromMilliseconds(100));
        var r = await client.SendAsync(From, new MetaOutgoing("+5531988887777", 5, Text: "x"), default);
        Assert.Equal((SendOutcome.Timeout, 1), (r.Outcome, handler.Calls));
    }

    [Fact]
    public void Webhook_bodies_are_escaped_as_meta_escapes_them_and_pass_our_signature_check()
    {
        var body = MetaEscaping.Write(new JsonObject { ["text"] = "Plantão café 👍", ["url"] = "https://x/y" });
        Assert.Equal("{\"text\":\"Plant\\u00e3o caf\\u00e9 \\ud83d\\udc4d\",\"url\":\"https:\\/\\/x\\/y\"}", body);
        Assert.Equal("Plantão café 👍", JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_simulator_s_signed_webhooks_are_taken_by_our_intake()
    {
        var received = new TaskCompletionSource<(byte[] Body, string? Signature)>();
        var app = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        app.WebHost.UseUrls("http://127.0.0.1:0");
        await using var listener = app.Build();
        listener.MapPost("/hook", async (Microsoft.AspNetCore.Http.HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            received.TrySetResult((ms.ToArray(), ctx.Request.Headers["X-Hub-Signature-256"].FirstOrDefault()));
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await listener.StartAsync();
        Sim.Options.WebhookUrl = listener.Urls.First() + "/hook";
        await Sim.DoctorSaysAsync(Number.PhoneNumberId, "5531988887777", "Tenho interesse no plantão 👍", "Ana Souza");
        var (bytes, signature) = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\\u00e3", Encoding.UTF8.GetString(bytes));

        var chip = new MetaChip(1, Number.PhoneNumberId, Number.DisplayNumber, Number.WabaId, null, Sim.Options.AppSecret);
        var hooks = new MetaWebhooks(new MetaWebhookTests.Chips(chip), Microsoft.Extensions.Options.Options.Create(new MetaOptions()));
        var intake = await hooks.ReceiveAsync(new WebhookRequest(bytes, null, n => n == MetaSignature.Header ? signature : null), default, default);
        Assert.Null(intake.Refusal);
        var m = Assert.IsType<DoctorMessage>(await hooks.ReadAsync(intake.Items[0].Event, JsonDocument.Parse(intake.Items[0].Payload).RootElement, default, default));
        Assert.Equal(("+5531988887777", "Tenho interesse no plantão 👍"), (m.From.E164, m.Text));
    }
}
