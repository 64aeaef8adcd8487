using Julia.Simulator;

namespace Julia.Server.Demo;

/// <summary>
/// Demo mode's alert channels: the Slack and Telegram simulators receive the alerts, and each notice they accept
/// is written to the log, so an operator trying the demo sees alerts reach "people".
/// </summary>
public static class DemoAlerts
{
    public static void Attach(WebApplication app, SlackSimulator slack, TelegramSimulator telegram)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Julia.Demo.Alerts");
        var stop = new CancellationTokenSource();
        Task? echo = null;
        app.Lifetime.ApplicationStarted.Register(() => echo = Task.Run(async () =>
        {
            int seenSlack = 0, seenTelegram = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    foreach (var m in slack.Received.Skip(seenSlack)) { log.LogInformation("Slack (simulated) got: {Text}", m.Text); seenSlack++; }
                    foreach (var m in telegram.Received.Skip(seenTelegram)) { log.LogInformation("Telegram (simulated) got: {Text}", m.Text); seenTelegram++; }
                }
            }
            catch (OperationCanceledException) { }
        }));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            stop.Cancel();
            try { echo?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            slack.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
            telegram.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        });
    }
}
