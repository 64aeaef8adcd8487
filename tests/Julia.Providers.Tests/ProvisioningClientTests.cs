using Julia.Providers.Evolution;
using Julia.Providers.Provisioning;
using Julia.Simulator;

namespace Julia.Providers.Tests;

/// <summary>The Salvy-like client and Evolution's instance calls against the simulators on loopback.</summary>
public class ProvisioningClientTests : IAsyncLifetime
{
    SalvySimulator _salvy = null!;
    EvolutionSimulator _evo = null!;
    SalvyClient _numbers = null!;
    EvolutionClient _evolution = null!;

    public async Task InitializeAsync()
    {
        _salvy = await SalvySimulator.StartAsync("key-1");
        _numbers = new SalvyClient(new HttpClient { BaseAddress = _salvy.BaseAddress }, new SalvyOptions { ApiKey = "key-1", AttemptTimeout = TimeSpan.FromSeconds(5) });
        _evo = await EvolutionSimulator.StartAsync(new SimulatorOptions { Receipts = false, ReplyProbability = 0, GlobalApiKey = "global" });
        _evolution = new EvolutionClient(new HttpClient { BaseAddress = _evo.BaseAddress },
            new EvolutionOptions { ApiKey = "global", AttemptTimeout = TimeSpan.FromSeconds(5), Retries = 0 });
    }

    public async Task DisposeAsync()
    {
        await _salvy.DisposeAsync();
        await _evo.DisposeAsync();
    }

    [Fact]
    public async Task Buys_a_number_in_the_ddd_and_the_same_key_answers_the_same_number()
    {
        var a = await _numbers.BuyAsync(21, "req-1", default);
        var again = await _numbers.BuyAsync(21, "req-1", default);
        var b = await _numbers.BuyAsync(null, "req-2", default);
        Assert.StartsWith("+5521", a.Phone);
        Assert.Equal(a, again);
        Assert.NotEqual(a.Phone, b.Phone);
        Assert.Equal(2, _salvy.Bought.Count);
    }

    [Theory]
    [InlineData(503, false)]
    [InlineData(500, false)]
    [InlineData(429, false)]
    [InlineData(402, true)]
    [InlineData(422, true)]
    public async Task Failures_say_whether_a_retry_can_help(int status, bool permanent)
    {
        _salvy.Faults = status switch
        {
            503 => new SalvyFaults { Down = true },
            500 => new SalvyFaults { ServerError = true },
            429 => new SalvyFaults { RateLimited = true },
            _ => new SalvyFaults { ClientError = status },
        };
        var e = await Assert.ThrowsAsync<ProviderException>(() => _numbers.BuyAsync(11, "req-x", default));
        Assert.Equal((permanent, status), (e.Permanent, e.Status!.Value));
        Assert.Empty(_salvy.Bought);
    }

    [Fact]
    public async Task A_wrong_key_is_permanent_and_never_shown()
    {
        var client = new SalvyClient(new HttpClient { BaseAddress = _salvy.BaseAddress }, new SalvyOptions { ApiKey = "wrong-secret" });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.BuyAsync(11, "req-y", default));
        Assert.True(e.Permanent);
        Assert.DoesNotContain("wrong-secret", e.Message);
    }

    [Fact]
    public async Task An_unreachable_provider_is_transient()
    {
        var client = new SalvyClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") }, new SalvyOptions { ApiKey = "k" });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.BuyAsync(11, "req-z", default));
        Assert.False(e.Permanent);
    }

    [Fact]
    public async Task Creates_an_instance_once_sets_its_webhook_and_reads_its_state()
    {
        Assert.True(await _evolution.CreateInstanceAsync("julia-p1", "tok-1", default));
        Assert.False(await _evolution.CreateInstanceAsync("julia-p1", "tok-1", default)); // already made: fine
        var target = new GatewayTarget("julia-p1", "tok-1");
        await _evolution.SetWebhookAsync(target, "http://127.0.0.1:9/webhooks/evolution", ["QRCODE_UPDATED", "CONNECTION_UPDATE"],
            new Dictionary<string, string> { ["X-Webhook-Secret"] = "s3cret" }, default);
        var hook = _evo.WebhookOf("julia-p1")!;
        Assert.Equal(("http://127.0.0.1:9/webhooks/evolution", "s3cret"), (hook.Url, hook.Headers["X-Webhook-Secret"]));

        Assert.Equal("connecting", await _evolution.ConnectionStateAsync(target, default));
        _evo.SetState("julia-p1", "open");
        Assert.Equal("open", await _evolution.ConnectionStateAsync(target, default));

        _evo.Down = true;
        var e = await Assert.ThrowsAsync<ProviderException>(() => _evolution.ConnectionStateAsync(target, default));
        Assert.False(e.Permanent);
    }

    [Fact]
    public async Task Creating_an_instance_needs_the_global_key()
    {
        var client = new EvolutionClient(new HttpClient { BaseAddress = _evo.BaseAddress }, new EvolutionOptions { ApiKey = "nope", Retries = 0 });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.CreateInstanceAsync("julia-p2", "t", default));
        Assert.True(e.Permanent);
        Assert.Equal(401, e.Status);
    }
}
