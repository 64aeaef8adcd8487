using System.Text.RegularExpressions;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Observability;

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
