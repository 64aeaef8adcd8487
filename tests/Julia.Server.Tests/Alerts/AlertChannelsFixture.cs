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

namespace Julia.Server.Tests.Alerts;

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
