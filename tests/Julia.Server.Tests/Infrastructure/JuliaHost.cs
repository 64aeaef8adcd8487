using Julia.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>A real Julia.Server on Kestrel, on a free loopback port.</summary>
public sealed class JuliaHost : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required Uri BaseAddress { get; init; }

    /// <summary>The server's log; set <c>Log.Output</c> to the running test's output helper.</summary>
    public required TestLog Log { get; init; }

    public static async Task<JuliaHost> StartAsync(string? connectionString, TimeProvider? clock = null,
                                                   IDictionary<string, string?>? settings = null, string[]? args = null,
                                                   Xunit.Abstractions.ITestOutputHelper? output = null)
    {
        var log = new TestLog { Output = output };
        var app = await JuliaApp.CreateAsync(args ?? [], b =>
        {
            b.Configuration["urls"] = "http://127.0.0.1:0";
            // test.sh collects the whole run's log to scan it for numbers and secrets: then everything down to Information.
            b.Configuration["Julia:LogLevel"] = Environment.GetEnvironmentVariable("JULIA_TEST_LOG") is null ? "Warning" : "Information";
            if (connectionString is not null) b.Configuration["ConnectionStrings:Postgres"] = connectionString;
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) b.Configuration[k] = v;
            if (clock is not null) b.Services.AddSingleton(new Julia.Grains.Clock(clock));
        }, logSink: log);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new JuliaHost { App = app, BaseAddress = new Uri(address + "/"), Log = log };
    }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public HttpClient Http(string? key = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return http;
    }

    public JuliaClient Client(string key) => new(new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, key);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
