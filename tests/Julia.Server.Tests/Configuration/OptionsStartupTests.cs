using Julia.Grains.Connections;
using Julia.Providers.Evolution;
using Julia.Server.Configuration;
using Julia.Server.Demo;
using Julia.Server.Outbox;
using Julia.Server.Provisioning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Julia.Server.Tests.Configuration;

public class OptionsStartupTests
{
    static ConfigurationManager Config(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationManager();
        foreach (var (k, v) in settings) config[k] = v;
        return config;
    }

    [Fact]
    public async Task A_bad_value_stops_start_up_before_the_database_naming_every_problem()
    {
        // No connection string: were the settings accepted, this would start a private PostgreSQL.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => JuliaApp.CreateAsync([], b =>
        {
            b.Configuration["Julia:DataDir"] = Path.Combine(Path.GetTempPath(), "julia-never-" + Guid.NewGuid().ToString("N"));
            b.Configuration["Outbox:Lease"] = "00:00:05";
            b.Configuration["Alerts:Telegram:ChatId"] = "42";
            b.Configuration["Console:Session"] = "00:01:00";
            b.Configuration["Http:Proxies:Addresses:0"] = "not-an-address";
        }));
        Assert.StartsWith("Invalid configuration: ", e.Message);
        Assert.Contains("Outbox:Lease (00:00:05) must exceed the gateway's total send time (00:00:16.6000000) by at least 5 s", e.Message);
        Assert.Contains("Alerts:Telegram needs both BotToken and ChatId (or neither)", e.Message);
        Assert.Contains("Console:Session must be between 5 minutes and 7 days", e.Message);
        Assert.Contains("Http:Proxies:Addresses: not-an-address is not an IP address", e.Message);
    }

    [Fact]
    public void The_outbox_lease_is_judged_against_the_gateway_settings()
    {
        var quick = BootOptions.Read(Config(("Outbox:Lease", "00:00:10"), ("Evolution:AttemptTimeout", "00:00:01"), ("Evolution:Retries", "0")));
        quick.Validate();
        Assert.Equal(TimeSpan.FromSeconds(10), quick.Get<OutboxOptions>().Lease);

        var slow = BootOptions.Read(Config(("Outbox:Lease", "00:00:10")));
        var e = Assert.Throws<InvalidOperationException>(slow.Validate);
        Assert.Contains("Outbox:Lease (00:00:10) must exceed", e.Message);
    }

    [Fact]
    public void Every_options_class_is_bound_from_its_section()
    {
        var sp = new ServiceCollection().AddSingleton<IConfiguration>(Config()).AddJuliaOptions().BuildServiceProvider();
        var types = typeof(JuliaOptions).Assembly.GetTypes()
            .Concat(typeof(HealthMonitorOptions).Assembly.GetTypes()).Concat(typeof(EvolutionOptions).Assembly.GetTypes())
            .Where(t => t.IsClass && t.GetField("Section") is { IsLiteral: true }).ToList();
        Assert.True(types.Count >= 20, $"found {types.Count} options classes");
        var unbound = types.Where(t => sp.GetService(typeof(IOptionsChangeTokenSource<>).MakeGenericType(t)) is null).Select(t => t.Name).ToList();
        Assert.True(unbound.Count == 0, "not bound with BindConfiguration: " + string.Join(", ", unbound));
    }

    [Fact]
    public void Without_a_gateway_the_outbox_and_the_health_monitor_are_off_and_Meta_alone_is_a_gateway()
    {
        var none = BootOptions.Read(Config(("Outbox:Enabled", "true")));
        Assert.False(none.Get<OutboxOptions>().Enabled);
        Assert.False(none.Get<HealthMonitorOptions>().Enabled);
        var gateway = BootOptions.Read(Config(("Evolution:BaseUrl", "http://127.0.0.1:1")));
        Assert.True(gateway.Get<OutboxOptions>().Enabled);
        Assert.True(gateway.Get<HealthMonitorOptions>().Enabled);
        // Meta numbers only: no Evolution server, but Meta's webhook keys say a gateway is in use (sending and the
        // standing poll must run); Meta's Graph address alone has a default and says nothing.
        foreach (var meta in new[] { ("Meta:VerifyToken", "verify-me"), ("Meta:AppSecrets:0", "app-secret") })
        {
            var metaOnly = BootOptions.Read(Config(meta));
            Assert.True(metaOnly.Get<OutboxOptions>().Enabled, meta.Item1);
            Assert.True(metaOnly.Get<HealthMonitorOptions>().Enabled, meta.Item1);
        }
        Assert.False(BootOptions.Read(Config(("Meta:GraphBaseUrl", "http://127.0.0.1:1/"))).Get<OutboxOptions>().Enabled);
    }

    [Fact]
    public async Task The_demo_defaults_fill_only_what_the_user_left_unset()
    {
        // Every outside service named by the user: the demo starts no simulator, and only points provisioning's
        // webhooks at this node.
        var config = Config(("Julia:Demo", "true"), ("Evolution:BaseUrl", "http://gateway.example"), ("Salvy:BaseUrl", "http://numbers.example"),
                            ("Alerts:Slack:WebhookUrl", "https://hooks.example/x"));
        var given = BootOptions.Read(config);
        var demo = await DemoSimulators.StartAsync(given, "http://127.0.0.1:7000;http://[::1]:7000");
        Assert.Null(demo.Evolution);
        Assert.Null(demo.Salvy);
        Assert.Null(demo.Slack);
        StartupDefaults.Add(config, given, demo);

        var boot = BootOptions.Read(config);
        Assert.Equal("http://gateway.example", boot.Get<EvolutionOptions>().BaseUrl);
        Assert.Equal("http://numbers.example", boot.Get<Julia.Providers.Provisioning.SalvyOptions>().BaseUrl);
        Assert.Equal("http://127.0.0.1:7000/webhooks/evolution", boot.Get<ProvisioningOptions>().WebhookUrl);
        Assert.False(string.IsNullOrEmpty(boot.Get<JuliaOptions>().NodeId));
    }

    [Fact]
    public async Task An_explicit_node_name_and_webhook_url_win_over_the_defaults()
    {
        var config = Config(("Julia:Demo", "true"), ("Julia:NodeId", "node-7"), ("Evolution:BaseUrl", "http://gateway.example"),
                            ("Salvy:BaseUrl", "http://numbers.example"), ("Alerts:Slack:WebhookUrl", "https://hooks.example/x"),
                            ("Provisioning:WebhookUrl", "https://julia.example/webhooks/evolution"));
        var given = BootOptions.Read(config);
        StartupDefaults.Add(config, given, await DemoSimulators.StartAsync(given, null));

        var boot = BootOptions.Read(config);
        Assert.Equal("node-7", boot.Get<JuliaOptions>().NodeId);
        Assert.Equal("https://julia.example/webhooks/evolution", boot.Get<ProvisioningOptions>().WebhookUrl);
    }
}
