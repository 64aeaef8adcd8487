using Julia.Server.Observability;
using Serilog;
using Serilog.Core;
using Serilog.Events;

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
