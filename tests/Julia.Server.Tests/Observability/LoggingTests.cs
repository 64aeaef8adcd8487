using System.Text.RegularExpressions;
using Julia.Server.Observability;
using Julia.Server.Tests.Infrastructure;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Observability;

public class LoggingMaskTests
{
    [Theory]
    [InlineData("to +5511987654321 now", "to +55 11 ****-4321 now")]
    [InlineData("+351912345678", "+351 ****-5678")]
    [InlineData("jid 5511987654321@s.whatsapp.net", "jid +55 11 ****-4321@s.whatsapp.net")]
    [InlineData("number 5511987654321", "number +55 11 ****-4321")]
    [InlineData("Authorization: Bearer abc.def-123", "Authorization: Bearer ***")]
    [InlineData("apikey=tok-inst-1&x=1", "apikey=***&x=1")]
    [InlineData("{\"apikey\":\"tok-inst-1\",\"a\":1}", "{\"apikey\":\"***\",\"a\":1}")]
    [InlineData("secret: sec-abc", "secret: ***")]
    [InlineData("POST https://hooks.slack.com/services/T0/B0/XYZ failed", "POST *** failed")]
    [InlineData("GET https://api.telegram.org/bot123456789:AAE-abcdefghijklmnop/sendMessage", "GET https://api.telegram.org/bot***/sendMessage")]
    [InlineData("message 1234 sent at 2026-11-23T12:00:00+00:00", "message 1234 sent at 2026-11-23T12:00:00+00:00")]
    [InlineData("chip 42 breaker open", "chip 42 breaker open")]
    [InlineData("already +55 11 ****-4321", "already +55 11 ****-4321")]
    public void Mask_hides_phones_and_secrets_and_leaves_the_rest(string input, string expected) =>
        Assert.Equal(expected, LogMasking.Mask(input));

    sealed class Collect : ILogEventSink
    {
        public readonly List<LogEvent> Events = [];
        public void Emit(LogEvent e) => Events.Add(e);
    }

    [Fact]
    public void The_enricher_masks_properties_and_the_sink_masks_literal_text_and_exceptions()
    {
        var sink = new Collect();
        using var log = new LoggerConfiguration().Enrich.With<MaskingEnricher>().WriteTo.Sink(new MaskingSink(sink)).CreateLogger();
        log.Information("Sent to {Contact} with {Token} and {Nested}", "+5511987654321", "tok-abc", new { Phone = "+5511912340000", Secret = "s3cr3t" });
        log.Information("literal +5511987654321");
        log.Warning(new HttpRequestException("POST https://hooks.slack.com/services/T/B/C failed"), "alert to slack failed");

        var text = string.Join("\n", sink.Events.Select(e => e.RenderMessage() + " " + e.Exception + " " +
            string.Join(",", e.Properties.Select(p => p.Value.ToString()))));
        Assert.DoesNotContain("+5511987654321", text);
        Assert.DoesNotContain("5511912340000", text);
        Assert.DoesNotContain("tok-abc", text);
        Assert.DoesNotContain("s3cr3t", text);
        Assert.DoesNotContain("hooks.slack.com", text);
        Assert.Contains("+55 11 ****-4321", sink.Events[0].RenderMessage());
        Assert.Contains("+55 11 ****-4321", sink.Events[1].RenderMessage());
    }
}

public class LoggingTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);

    public Task InitializeAsync() => f.FreshPoolAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Logs_of_sending_and_webhooks_hold_no_full_phone_token_or_secret()
    {
        var chip = await f.ChipAsync();
        var contacts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var contact = f.NewContact();
            contacts.Add(contact);
            var (accepted, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "Olá " + contact, "log-scan-" + contact);
            await Eventually.Until(() => f.AgentApi.GetMessageAsync(accepted.MessageId), m => m.Status is "delivered" or "read" or "failed",
                what: "the message to be delivered");
        }
        // A refused webhook (wrong secret) and an unknown instance are logged paths too.
        using var http = f.Host.Http();
        await http.PostAsync("webhooks/evolution", new StringContent("{\"event\":\"messages.upsert\",\"instance\":\"" + chip.Instance + "\",\"apikey\":\"" + chip.Token + "\",\"data\":{}}",
            System.Text.Encoding.UTF8, "application/json"));
        // Whatever the inbox worker logs while applying what was stored is part of the scan: wait for it to finish.
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbox WHERE status IN ('pending', 'processing')") == 0,
            what: "the inbox to apply every stored event");

        var log = string.Join("\n", f.Host.Log.Recent);
        Assert.NotEmpty(f.Host.Log.Recent);
        foreach (var contact in contacts.Append(chip.Phone))
        {
            Assert.DoesNotContain(contact, log);
            Assert.DoesNotContain(contact.TrimStart('+'), log);
        }
        Assert.DoesNotContain(chip.Token, log);
        Assert.DoesNotContain(chip.Secret, log);
        Assert.DoesNotContain(f.AgentKey, log);
        Assert.DoesNotContain(SendingFixture.AgentSecret, log);
        Assert.DoesNotMatch(new Regex(@"\+\d{12,15}\b"), log);
    }
}
