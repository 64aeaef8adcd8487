using System.Net.Http.Json;
using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Server.Alerts;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Alerts;
using Julia.Storage.Auth;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests;

/// <summary>
/// A server whose alert channels are the Slack and Telegram simulators. The worker's own loop is off: tests
/// drive its passes (RunOnceAsync) and move the clock by hand.
/// </summary>
public sealed class AlertChannelsFixture : IAsyncLifetime
{
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 2, 50, 0, TimeSpan.Zero)); // 23:50 in São Paulo
    public SlackSimulator Slack { get; private set; } = null!;
    public TelegramSimulator Telegram { get; private set; } = null!;
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    public string OperatorKey { get; private set; } = null!;

    public AlertsWorker Worker => Host.Get<AlertsWorker>();
    public AlertStore Alerts => Host.Get<AlertStore>();

    public async Task InitializeAsync()
    {
        Slack = await SlackSimulator.StartAsync();
        Telegram = await TelegramSimulator.StartAsync();
        var cs = await TestPostgres.CreateDatabaseAsync("alertchannels");
        Db = NpgsqlDataSource.Create(cs);
        Host = await JuliaHost.StartAsync(cs, Clock, new Dictionary<string, string?>
        {
            ["Julia:LogLevel"] = "Information", // everything the worker says, to look for secrets in it
            ["Alerts:Enabled"] = "false",
            ["Alerts:Slack:WebhookUrl"] = Slack.WebhookUrl,
            ["Alerts:Telegram:BaseUrl"] = Telegram.BaseAddress.ToString(),
            ["Alerts:Telegram:BotToken"] = Telegram.Token,
            ["Alerts:Telegram:ChatId"] = Telegram.ChatId,
            ["Alerts:RetryBaseDelay"] = "00:00:05",
            ["Alerts:SendTimeout"] = "00:00:05",
            ["Alerts:FailingAfter"] = "00:10:00",
        });
        OperatorKey = await new ApiKeyStore(Db).CreateAsync("test-operator", ["operator"], Clock.GetUtcNow(), default);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Db.DisposeAsync();
        await Slack.DisposeAsync();
        await Telegram.DisposeAsync();
    }

    public async Task<long> RaiseAsync(string message, string severity = "warning")
    {
        var subject = "test:" + Guid.NewGuid().ToString("N")[..8];
        await Alerts.RaiseAsync(new AlertCondition("test_alert", subject, severity, message), TimeSpan.FromMinutes(30), Clock.GetUtcNow(), default);
        return await Sql.Scalar<long>(Db, "SELECT id FROM alerts WHERE subject = @s", ("s", subject));
    }

    public static int Count(ChatSimulatorBase sim, string text) => sim.Received.Count(m => m.Text == text);
}

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

/// <summary>A channel that is down, on its own server (its failure must not leak into the other tests' channel health).</summary>
public class AlertChannelDownTests(AlertChannelsFixture f, ITestOutputHelper output) : IClassFixture<AlertChannelsFixture>
{
    readonly bool _attached = (f.Host.Log.Output = output) is not null;

    [Fact]
    public async Task A_down_channel_blocks_nothing_else_raises_one_alert_through_the_other_channel_and_leaks_no_secret()
    {
        f.Slack.SetFaults(new ChatFaults(ChatFault.Down));
        await f.RaiseAsync("teste de canal fora do ar", "critical");
        const string text = "🔴 Alerta: teste de canal fora do ar";

        await f.Worker.RunOnceAsync(default);
        Assert.Equal((0, 1), (AlertChannelsFixture.Count(f.Slack, text), AlertChannelsFixture.Count(f.Telegram, text)));

        // Twelve minutes of Slack being down, passes every 30 s: the notice keeps failing with backoff.
        for (int i = 0; i < 24; i++)
        {
            f.Clock.Advance(TimeSpan.FromSeconds(30));
            await f.Worker.RunOnceAsync(default);
        }
        var failing = await Sql.List(f.Db, "SELECT id, resolved_at IS NULL FROM alerts WHERE kind = 'notifier_failing' AND subject = 'channel:slack'",
            r => (r.GetInt64(0), r.GetBoolean(1)));
        var (failingId, open) = Assert.Single(failing);
        Assert.True(open);
        var failingText = f.Telegram.Received.Where(m => m.Text.StartsWith("🔴 Alerta: canal slack sem entregar alertas há")).ToList();
        Assert.Single(failingText);
        Assert.Equal(0, await Sql.Scalar<long>(f.Db, "SELECT count(*) FROM alert_deliveries WHERE alert_id = @id AND channel = 'slack'", ("id", failingId)));

        // Slack is back: the waiting notice goes out, the channel's alert is resolved and that is said on Telegram.
        f.Slack.SetFaults(new ChatFaults());
        f.Clock.Advance(TimeSpan.FromMinutes(10));
        await f.Worker.RunOnceAsync(default);
        await f.Worker.RunOnceAsync(default);
        Assert.Equal(1, AlertChannelsFixture.Count(f.Slack, text));
        Assert.Equal("monitor", await Sql.Scalar<string>(f.Db, "SELECT resolved_by FROM alerts WHERE id = @id", ("id", failingId)));
        Assert.Single(f.Telegram.Received, m => m.Text.StartsWith("✅ Resolvido: canal slack sem entregar alertas há"));
        Assert.DoesNotContain(f.Slack.Received, m => m.Text.Contains("canal slack"));

        // Neither the webhook URL's secret path nor the bot token is anywhere in the log or the stored errors.
        Assert.NotEmpty(f.Host.Log.Recent);
        Assert.DoesNotContain(f.Host.Log.Recent, l => l.Contains(f.Slack.Path) || l.Contains(f.Telegram.Token) || l.Contains("simulatedwebhooksecret"));
        var errors = await Sql.List(f.Db, "SELECT coalesce(last_error, '') || ' ' || a.message FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id", r => r.GetString(0));
        Assert.DoesNotContain(errors, e => e.Contains(f.Slack.Path) || e.Contains(f.Telegram.Token));
    }
}
