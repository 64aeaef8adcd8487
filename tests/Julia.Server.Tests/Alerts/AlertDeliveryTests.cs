using System.Net.Http.Json;
using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Simulator;
using Julia.Storage.Alerts;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Alerts;

public class AlertDeliveryTests(AlertChannelsFixture f, ITestOutputHelper output) : IClassFixture<AlertChannelsFixture>
{
    readonly bool _attached = Attach(f, output);

    static bool Attach(AlertChannelsFixture f, ITestOutputHelper output)
    {
        f.Host.Log.Output = output;
        f.Slack.SetFaults(new ChatFaults());
        f.Telegram.SetFaults(new ChatFaults());
        return true;
    }

    [Fact]
    public async Task Each_channel_gets_one_notice_per_alert_and_one_when_it_is_resolved()
    {
        var id = await f.RaiseAsync("fila atrasada: teste de entrega");
        const string raised = "🟠 Alerta: fila atrasada: teste de entrega", resolved = "✅ Resolvido: fila atrasada: teste de entrega";

        await f.Worker.RunOnceAsync(default);
        Assert.Equal((1, 1), (AlertChannelsFixture.Count(f.Slack, raised), AlertChannelsFixture.Count(f.Telegram, raised)));

        // Passes again, and the condition seen again while open: nothing more is sent.
        await f.Worker.RunOnceAsync(default);
        var subject = await Sql.Scalar<string>(f.Db, "SELECT subject FROM alerts WHERE id = @id", ("id", id));
        Assert.Equal(Raised.Refreshed, await f.Alerts.RaiseAsync(new AlertCondition("test_alert", subject, "warning", "x"), TimeSpan.FromMinutes(30), f.Clock.GetUtcNow(), default));
        await f.Worker.RunOnceAsync(default);
        Assert.Equal((1, 1), (AlertChannelsFixture.Count(f.Slack, raised), AlertChannelsFixture.Count(f.Telegram, raised)));

        // An operator resolves it: one resolution notice on each channel.
        var http = f.Host.Http(f.OperatorKey);
        (await http.PostAsync($"v1/alerts/{id}/resolve", null)).EnsureSuccessStatusCode();
        await f.Worker.RunOnceAsync(default);
        await f.Worker.RunOnceAsync(default);
        Assert.Equal((1, 1), (AlertChannelsFixture.Count(f.Slack, resolved), AlertChannelsFixture.Count(f.Telegram, resolved)));

        // GET /v1/alerts shows the subject and each channel's notices.
        var list = await http.GetFromJsonAsync<JsonElement>("v1/alerts?open=false&limit=1000");
        var alert = list.EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id);
        Assert.Equal(subject, alert.GetProperty("subject").GetString());
        var deliveries = alert.GetProperty("deliveries").EnumerateArray()
            .Select(d => $"{d.GetProperty("channel").GetString()}/{d.GetProperty("kind").GetString()}/{d.GetProperty("status").GetString()}").ToList();
        Assert.Equal(["slack/raised/sent", "slack/resolved/sent", "telegram/raised/sent", "telegram/resolved/sent"], deliveries);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after()
    {
        f.Slack.SetFaults(new ChatFaults(ChatFault.RateLimited, Times: 1, RetryAfterSeconds: 120));
        var id = await f.RaiseAsync("teste de limite de taxa");
        const string text = "🟠 Alerta: teste de limite de taxa";

        await f.Worker.RunOnceAsync(default);
        Assert.Equal((0, 1), (AlertChannelsFixture.Count(f.Slack, text), AlertChannelsFixture.Count(f.Telegram, text)));
        var next = await Sql.Scalar<DateTime>(f.Db, "SELECT next_attempt_at FROM alert_deliveries WHERE alert_id = @id AND channel = 'slack'", ("id", id));
        Assert.Equal(f.Clock.GetUtcNow().AddSeconds(120).UtcDateTime, next);

        f.Clock.Advance(TimeSpan.FromSeconds(119));
        await f.Worker.RunOnceAsync(default);
        Assert.Equal(0, AlertChannelsFixture.Count(f.Slack, text));

        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Worker.RunOnceAsync(default);
        Assert.Equal(1, AlertChannelsFixture.Count(f.Slack, text));
    }

    [Fact]
    public async Task A_5xx_is_retried_with_doubling_backoff_then_delivered()
    {
        f.Telegram.SetFaults(new ChatFaults(ChatFault.ServerError, Times: 2));
        var id = await f.RaiseAsync("teste de erro do servidor", "critical");
        const string text = "🔴 Alerta: teste de erro do servidor";
        async Task<int> Attempts() => await Sql.Scalar<int>(f.Db, "SELECT attempts FROM alert_deliveries WHERE alert_id = @id AND channel = 'telegram'", ("id", id));

        await f.Worker.RunOnceAsync(default);                 // attempt 1: 500, next in 5 s
        Assert.Equal(1, await Attempts());
        f.Clock.Advance(TimeSpan.FromSeconds(4));
        await f.Worker.RunOnceAsync(default);                 // not yet due
        Assert.Equal(1, await Attempts());
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Worker.RunOnceAsync(default);                 // attempt 2: 500, next in 10 s
        Assert.Equal(2, await Attempts());
        f.Clock.Advance(TimeSpan.FromSeconds(9));
        await f.Worker.RunOnceAsync(default);
        Assert.Equal((2, 0), (await Attempts(), AlertChannelsFixture.Count(f.Telegram, text)));
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Worker.RunOnceAsync(default);                 // attempt 3: delivered
        Assert.Equal((3, 1), (await Attempts(), AlertChannelsFixture.Count(f.Telegram, text)));
        Assert.Equal("sent", await Sql.Scalar<string>(f.Db, "SELECT status FROM alert_deliveries WHERE alert_id = @id AND channel = 'telegram'", ("id", id)));
    }

    [Fact]
    public async Task Two_workers_passing_at_once_send_each_notice_once()
    {
        var id = await f.RaiseAsync("teste de dois nós");
        const string text = "🟠 Alerta: teste de dois nós";
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => f.Worker.RunOnceAsync(default)));
        Assert.Equal((1, 1), (AlertChannelsFixture.Count(f.Slack, text), AlertChannelsFixture.Count(f.Telegram, text)));
    }
}
