using Julia.Simulator;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// The one way tests start an in-process server: on a fresh database (or a given one), on a clock the test
/// controls, with the Evolution simulator, the agent's listener, the Salvy provider, the Slack and Telegram
/// channels as options. Each option wires its address into the server's settings; <see cref="TestHost"/> owns
/// and disposes all of it. Fixtures build their hosts with it; tests that start their own do too.
/// </summary>
public sealed class TestHostBuilder
{
    public const string AgentSecret = "agent-signing-secret";
    public const string SalvyKey = "salvy-test-key";

    readonly Dictionary<string, string?> _settings = [];
    string? _database;
    string _hint = "host";
    bool _noDatabase;
    TimeProvider? _clock;
    SimulatorOptions? _evolution;
    MetaSimulatorOptions? _meta;
    bool _agent, _salvy, _chats;
    string[]? _args;
    ITestOutputHelper? _output;

    /// <summary>A fresh migrated database named after <paramref name="hint"/> (the default).</summary>
    public TestHostBuilder Database(string hint) { _hint = hint; return this; }

    /// <summary>An existing database (a second node, a restart, a database a test prepared).</summary>
    public TestHostBuilder OnDatabase(string connectionString) { _database = connectionString; return this; }

    /// <summary>No connection string at all: the server starts its own embedded PostgreSQL (Julia:DataDir).</summary>
    public TestHostBuilder WithoutDatabase() { _noDatabase = true; return this; }

    public TestHostBuilder Clock(TimeProvider clock) { _clock = clock; return this; }

    public TestHostBuilder Set(string key, string? value) { _settings[key] = value; return this; }

    public TestHostBuilder Set(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        foreach (var (k, v) in settings) _settings[k] = v;
        return this;
    }

    public TestHostBuilder Args(params string[] args) { _args = args; return this; }

    public TestHostBuilder Output(ITestOutputHelper? output) { _output = output; return this; }

    /// <summary>The Evolution simulator as the gateway; its webhooks go to the server.</summary>
    public TestHostBuilder Evolution(SimulatorOptions options) { _evolution = options; return this; }

    /// <summary>The Meta Cloud API simulator as the Graph API; its signed webhooks go to the server.</summary>
    public TestHostBuilder Meta(MetaSimulatorOptions options) { _meta = options; return this; }

    /// <summary>A listener playing the agent: the server forwards inbound messages to it, signed with <see cref="AgentSecret"/>.</summary>
    public TestHostBuilder Agent() { _agent = true; return this; }

    /// <summary>The Salvy simulator as the number provider, its key <see cref="SalvyKey"/>.</summary>
    public TestHostBuilder Salvy() { _salvy = true; return this; }

    /// <summary>The Slack and Telegram simulators as the alert channels.</summary>
    public TestHostBuilder AlertChannels() { _chats = true; return this; }

    public async Task<TestHost> StartAsync()
    {
        var parts = new List<IAsyncDisposable>();
        try
        {
            var cs = _noDatabase ? null : _database ?? await TestPostgres.CreateDatabaseAsync(_hint + Guid.NewGuid().ToString("N")[..6]);
            var settings = new Dictionary<string, string?>();
            EvolutionSimulator? sim = null;
            if (_evolution is not null)
            {
                sim = await EvolutionSimulator.StartAsync(_evolution);
                parts.Add(sim);
                settings["Evolution:BaseUrl"] = sim.BaseAddress.ToString();
            }
            MetaSimulator? meta = null;
            if (_meta is not null)
            {
                meta = await MetaSimulator.StartAsync(_meta);
                parts.Add(meta);
                settings["Meta:GraphBaseUrl"] = meta.BaseAddress.ToString();
            }
            AgentListener? agent = null;
            if (_agent)
            {
                agent = await AgentListener.StartAsync();
                parts.Add(agent);
                settings["Agent:InboundUrl"] = agent.Url;
                settings["Agent:SigningSecret"] = AgentSecret;
            }
            SalvySimulator? salvy = null;
            if (_salvy)
            {
                salvy = await SalvySimulator.StartAsync(SalvyKey, firstNumber: 1000);
                parts.Add(salvy);
                settings["Salvy:BaseUrl"] = salvy.BaseAddress.ToString();
                settings["Salvy:ApiKey"] = SalvyKey;
            }
            SlackSimulator? slack = null;
            TelegramSimulator? telegram = null;
            if (_chats)
            {
                slack = await SlackSimulator.StartAsync();
                parts.Add(slack);
                telegram = await TelegramSimulator.StartAsync();
                parts.Add(telegram);
                settings["Alerts:Slack:WebhookUrl"] = slack.WebhookUrl;
                settings["Alerts:Telegram:BaseUrl"] = telegram.BaseAddress.ToString();
                settings["Alerts:Telegram:BotToken"] = telegram.Token;
                settings["Alerts:Telegram:ChatId"] = telegram.ChatId;
            }
            foreach (var (k, v) in _settings) settings[k] = v; // the test's own settings win
            var host = await JuliaHost.StartAsync(cs, _clock, settings, _args, _output);
            if (sim is not null) sim.Options.WebhookUrl = host.BaseAddress + "webhooks/evolution";
            if (meta is not null) meta.Options.WebhookUrl = host.BaseAddress + "webhooks/meta";
            return new TestHost(host, cs is null ? null : NpgsqlDataSource.Create(cs), cs, parts)
            {
                Evolution = sim,
                Meta = meta,
                Agent = agent,
                Salvy = salvy,
                Slack = slack,
                Telegram = telegram,
            };
        }
        catch
        {
            foreach (var p in parts) await p.DisposeAsync();
            throw;
        }
    }
}
