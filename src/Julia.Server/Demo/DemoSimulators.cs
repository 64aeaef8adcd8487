using Julia.Providers.Evolution;
using Julia.Providers.Meta;
using Julia.Providers.Notifiers;
using Julia.Providers.Provisioning;
using Julia.Server.Configuration;
using Julia.Server.Provisioning;
using Julia.Simulator;

namespace Julia.Server.Demo;

/// <summary>
/// The demo's stand-ins for the outside world (the gateways, the number provider, Slack and Telegram), each started
/// only where the user's configuration names no real one. <see cref="Settings"/> points the service at them: the
/// demo's defaults, one in-memory configuration source (see <see cref="StartupDefaults"/>).
/// </summary>
public sealed class DemoSimulators
{
    public const string MetaAppSecret = "demo-meta-app-secret", MetaVerifyToken = "demo-meta-verify-token";

    public EvolutionSimulator? Evolution { get; private set; }
    public MetaSimulator? Meta { get; private set; }
    public SalvySimulator? Salvy { get; private set; }
    public SlackSimulator? Slack { get; private set; }
    public TelegramSimulator? Telegram { get; private set; }

    /// <summary>Configuration keys and values, only for what the user's configuration leaves unset.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <param name="given">The user's configuration.</param>
    /// <param name="urls">Where this service listens (the first address receives the new instances' webhooks).</param>
    public static async Task<DemoSimulators> StartAsync(BootOptions given, string? urls)
    {
        var demo = new DemoSimulators();
        if (string.IsNullOrEmpty(given.Get<EvolutionOptions>().BaseUrl))
        {
            // The demo sends through the gateway simulator; its webhooks come back to this service.
            demo.Evolution = await EvolutionSimulator.StartAsync(new SimulatorOptions());
            demo.Set(EvolutionOptions.Section, nameof(EvolutionOptions.BaseUrl), demo.Evolution.BaseAddress.ToString());
        }
        var meta = given.Get<MetaOptions>();
        if (meta.GraphBaseUrl == new MetaOptions().GraphBaseUrl && meta.AppSecrets.Count == 0 && meta.VerifyToken is null)
        {
            // No Meta app configured: the demo's Meta numbers send through the Cloud API simulator, which signs its webhooks
            // with the app secret configured here.
            demo.Meta = await MetaSimulator.StartAsync(new MetaSimulatorOptions
            {
                AppSecret = MetaAppSecret,
                ReadProbability = 0.5,
                BatchStatuses = true,
                DisorderProbability = 0.2,
                DuplicateProbability = 0.05,
            });
            demo.Set(MetaOptions.Section, nameof(MetaOptions.GraphBaseUrl), demo.Meta.BaseAddress.ToString());
            demo.Set(MetaOptions.Section, nameof(MetaOptions.AppSecrets) + ":0", MetaAppSecret);
            demo.Set(MetaOptions.Section, nameof(MetaOptions.VerifyToken), MetaVerifyToken);
        }
        if (string.IsNullOrEmpty(given.Get<SalvyOptions>().BaseUrl))
        {
            // The demo buys numbers from the provider simulator (operators' POST /v1/provisioning).
            demo.Salvy = await SalvySimulator.StartAsync("demo-salvy-key", firstNumber: Random.Shared.Next(1, 9_000_000));
            demo.Set(SalvyOptions.Section, nameof(SalvyOptions.BaseUrl), demo.Salvy.BaseAddress.ToString());
            demo.Set(SalvyOptions.Section, nameof(SalvyOptions.ApiKey), demo.Salvy.ApiKey);
        }
        if (string.IsNullOrEmpty(given.Get<SlackOptions>().WebhookUrl) && string.IsNullOrEmpty(given.Get<TelegramOptions>().BotToken))
        {
            // The demo's alerts visibly reach both channels' simulators; DemoAlerts writes what they receive to the log.
            demo.Slack = await SlackSimulator.StartAsync();
            demo.Telegram = await TelegramSimulator.StartAsync();
            demo.Set(SlackOptions.Section, nameof(SlackOptions.WebhookUrl), demo.Slack.WebhookUrl);
            demo.Set(TelegramOptions.Section, nameof(TelegramOptions.BaseUrl), demo.Telegram.BaseAddress.ToString());
            demo.Set(TelegramOptions.Section, nameof(TelegramOptions.BotToken), demo.Telegram.Token);
            demo.Set(TelegramOptions.Section, nameof(TelegramOptions.ChatId), demo.Telegram.ChatId);
        }
        if (given.Get<ProvisioningOptions>().WebhookUrl is null)
            demo.Set(ProvisioningOptions.Section, nameof(ProvisioningOptions.WebhookUrl),
                     WebhookUrl(urls?.Split(';')[0], EvolutionWebhooks.Name));
        return demo;
    }

    /// <summary>Where a gateway's webhooks reach this service, listening at <paramref name="url"/> (null: the default address).</summary>
    public static string WebhookUrl(string? url, string gateway) => (url ?? JuliaOptions.DefaultUrl).TrimEnd('/') + "/webhooks/" + gateway;

    void Set(string section, string key, string? value) => Settings[$"{section}:{key}"] = value;
}
