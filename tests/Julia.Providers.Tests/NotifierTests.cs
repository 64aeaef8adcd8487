using Julia.Providers.Notifiers;
using Julia.Simulator;

namespace Julia.Providers.Tests;

public class NotifierTests : IAsyncLifetime
{
    SlackSimulator _slack = null!;
    TelegramSimulator _telegram = null!;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    static readonly AlertNotice Low = new(1, "pool_below_min", "critical", "pool", "pool abaixo do mínimo (3 ativos de 5)", Resolved: false);

    public async Task InitializeAsync()
    {
        _slack = await SlackSimulator.StartAsync();
        _telegram = await TelegramSimulator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _telegram.DisposeAsync();
        _http.Dispose();
    }

    SlackNotifier Slack(string? url = null) => new(_http, new SlackOptions { WebhookUrl = url ?? _slack.WebhookUrl });
    TelegramNotifier Telegram(string? token = null) =>
        new(_http, new TelegramOptions { BaseUrl = _telegram.BaseAddress.ToString(), BotToken = token ?? _telegram.Token, ChatId = _telegram.ChatId });

    [Fact]
    public async Task Slack_receives_the_exact_text()
    {
        await Slack().SendAsync(Low, default);
        await Slack().SendAsync(Low with { Resolved = true }, default);
        Assert.Equal(["🔴 Alerta: pool abaixo do mínimo (3 ativos de 5)", "✅ Resolvido: pool abaixo do mínimo (3 ativos de 5)"],
            _slack.Received.Select(m => m.Text));
    }

    [Fact]
    public async Task Telegram_receives_the_exact_text_in_its_chat()
    {
        await Telegram().SendAsync(Low, default);
        var m = Assert.Single(_telegram.Received);
        Assert.Equal(("🔴 Alerta: pool abaixo do mínimo (3 ativos de 5)", _telegram.ChatId), (m.Text, m.ChatId));
    }

    [Theory]
    [InlineData(ChatFault.NotFound, 404, "no_service")]
    [InlineData(ChatFault.Forbidden, 403, "invalid_token")]
    [InlineData(ChatFault.ServerError, 500, "internal_error")]
    public async Task Slack_errors_say_the_status_and_reason_but_not_the_url(ChatFault fault, int status, string reason)
    {
        _slack.SetFaults(new ChatFaults(fault));
        var e = await Assert.ThrowsAsync<NotifyFailedException>(() => Slack().SendAsync(Low, default));
        Assert.Equal(status, e.Status);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain(_slack.Path, e.Message);
        Assert.Null(e.RetryAfter);
    }

    [Fact]
    public async Task A_wrong_slack_webhook_is_no_service()
    {
        var e = await Assert.ThrowsAsync<NotifyFailedException>(() => Slack(new Uri(_slack.BaseAddress, "services/T/B/wrong").ToString()).SendAsync(Low, default));
        Assert.Equal(404, e.Status);
        Assert.Empty(_slack.Received);
    }

    [Fact]
    public async Task Rate_limits_carry_the_channels_retry_after()
    {
        _slack.SetFaults(new ChatFaults(ChatFault.RateLimited, Times: 1, RetryAfterSeconds: 17));
        _telegram.SetFaults(new ChatFaults(ChatFault.RateLimited, Times: 1, RetryAfterSeconds: 23));
        Assert.Equal(TimeSpan.FromSeconds(17), (await Assert.ThrowsAsync<NotifyFailedException>(() => Slack().SendAsync(Low, default))).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(23), (await Assert.ThrowsAsync<NotifyFailedException>(() => Telegram().SendAsync(Low, default))).RetryAfter);
        // One request each was faulted; the next gets through.
        await Slack().SendAsync(Low, default);
        await Telegram().SendAsync(Low, default);
        Assert.Single(_slack.Received);
        Assert.Single(_telegram.Received);
    }

    [Fact]
    public async Task A_channel_that_is_down_fails_without_naming_its_address()
    {
        _telegram.SetFaults(new ChatFaults(ChatFault.Down));
        var e = await Assert.ThrowsAsync<NotifyFailedException>(() => Telegram().SendAsync(Low, default));
        Assert.StartsWith("telegram unreachable", e.Message);
        Assert.DoesNotContain(_telegram.Token, e.Message);
    }

    [Fact]
    public async Task A_wrong_bot_token_is_unauthorized_and_not_repeated_back()
    {
        var e = await Assert.ThrowsAsync<NotifyFailedException>(() => Telegram("999:WRONGtokenWRONGtokenWRONG").SendAsync(Low, default));
        Assert.Equal(401, e.Status);
        Assert.Equal("telegram answered 401 Unauthorized", e.Message);
    }
}
