using Julia.Simulator;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Alerts;

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
