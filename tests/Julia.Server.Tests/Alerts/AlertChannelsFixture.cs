using Julia.Domain.Alerts;
using Julia.Server.Alerts;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Alerts;
using Npgsql;

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

    TestHost _test = null!;

    public async Task InitializeAsync()
    {
        _test = await TestHost.Builder().Database("alertchannels").Clock(Clock).AlertChannels().Set(new Dictionary<string, string?>
        {
            ["Julia:LogLevel"] = "Information", // everything the worker says, to look for secrets in it
            ["Alerts:Enabled"] = "false",
            ["Alerts:RetryBaseDelay"] = "00:00:05",
            ["Alerts:SendTimeout"] = "00:00:05",
            ["Alerts:FailingAfter"] = "00:10:00",
        }).StartAsync();
        (Host, Db, Slack, Telegram) = (_test.Server, _test.Db, _test.Slack!, _test.Telegram!);
        OperatorKey = await _test.KeyAsync("test-operator", "operator", Clock.GetUtcNow());
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    public async Task<long> RaiseAsync(string message, string severity = "warning")
    {
        var subject = "test:" + Guid.NewGuid().ToString("N")[..8];
        await Alerts.RaiseAsync(new AlertCondition("test_alert", subject, severity, message), TimeSpan.FromMinutes(30), Clock.GetUtcNow(), default);
        return await Sql.Scalar<long>(Db, "SELECT id FROM alerts WHERE subject = @s", ("s", subject));
    }

    public static int Count(ChatSimulatorBase sim, string text) => sim.Received.Count(m => m.Text == text);
}
