using System.Text;
using System.Text.Json;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>Evolution webhook bodies and requests as the gateway sends them, for tests that play the gateway.</summary>
public static class EvolutionWebhook
{
    public static string Upsert(SendingFixture.TestChip chip, string contact, string id, string text, string? apikey = null) =>
        JsonSerializer.Serialize(new
        {
            @event = "messages.upsert",
            instance = chip.Instance,
            data = new
            {
                key = new { remoteJid = contact.TrimStart('+') + "@s.whatsapp.net", fromMe = false, id },
                pushName = "Dra. Teste",
                message = new { conversation = text },
                messageType = "conversation",
                messageTimestamp = 1_732_240_000,
            },
            date_time = "2024-11-21T23:06:40.123Z",
            sender = chip.Phone.TrimStart('+') + "@s.whatsapp.net",
            apikey = apikey ?? chip.Token,
        });

    public static HttpRequestMessage Post(string body, string? secret, string path = "webhooks/evolution")
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null) req.Headers.Add("X-Webhook-Secret", secret);
        return req;
    }
}
