using Julia.Client;
using Julia.Simulator;
using Julia.Storage.Auth;
using Npgsql;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>A server started by <see cref="TestHostBuilder"/>, with its database and whichever simulators it was given.</summary>
public sealed class TestHost(JuliaHost server, NpgsqlDataSource? db, string? connectionString, IReadOnlyList<IAsyncDisposable> parts)
    : IAsyncDisposable
{
    public static TestHostBuilder Builder() => new();

    public JuliaHost Server { get; } = server;

    /// <summary>The server's database (null when it runs its own embedded one).</summary>
    public NpgsqlDataSource Db => db ?? throw new InvalidOperationException("this host has no database of the test's");
    public string ConnectionString => connectionString ?? throw new InvalidOperationException("this host has no database of the test's");

    public EvolutionSimulator? Evolution { get; init; }
    public MetaSimulator? Meta { get; init; }
    public AgentListener? Agent { get; init; }
    public SalvySimulator? Salvy { get; init; }
    public SlackSimulator? Slack { get; init; }
    public TelegramSimulator? Telegram { get; init; }

    // The server's own members, so a test holds one thing.
    public Microsoft.AspNetCore.Builder.WebApplication App => Server.App;
    public Uri BaseAddress => Server.BaseAddress;
    public TestLog Log => Server.Log;
    public T Get<T>() where T : notnull => Server.Get<T>();
    public HttpClient Http(string? key = null) => Server.Http(key);
    public JuliaClient Client(string key) => Server.Client(key);

    /// <summary>A new API key with these scopes, made straight in the database.</summary>
    public Task<string> KeyAsync(string name, string scope, DateTimeOffset at) =>
        new ApiKeyStore(Db).CreateAsync(name, [scope], at, default);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var p in parts) await p.DisposeAsync();
        if (db is not null) await db.DisposeAsync();
    }
}
