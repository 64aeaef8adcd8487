using Julia.Domain.Alerts;
using Julia.Server.Alerts;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Alerts;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Alerts;

public class AlertDemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task In_demo_mode_alerts_reach_the_slack_and_telegram_simulators()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("alertdemo");
        await using var host = await TestHost.Builder().OnDatabase(cs).Args("--demo").Output(output).StartAsync();
        var slack = host.Get<SlackSimulator>();
        var telegram = host.Get<TelegramSimulator>();
        Assert.Equal(["slack", "telegram"], host.Get<AlertsWorker>().Channels);

        var now = DateTimeOffset.UtcNow; // the demo runs on the real clock
        await host.Get<AlertStore>().RaiseAsync(new AlertCondition("demo_check", "pool", "warning", "teste do modo demo"), TimeSpan.FromMinutes(30), now, default);
        host.Get<AlertsWorker>().Wake();

        const string text = "🟠 Alerta: teste do modo demo";
        await Eventually.True(() => Task.FromResult(slack.Received.Any(m => m.Text == text) && telegram.Received.Any(m => m.Text == text)),
            what: "the demo's alert on both simulated channels");
    }
}
