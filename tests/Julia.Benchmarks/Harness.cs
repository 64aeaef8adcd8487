using Julia.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Julia.Benchmarks;

/// <summary>Starts Julia.Server in this process on a free loopback port with the given settings.</summary>
public static class Harness
{
    public static async Task<(WebApplication App, string Url)> StartServerAsync(IDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var app = await JuliaApp.CreateAsync([], b =>
        {
            b.Configuration["urls"] = "http://127.0.0.1:0";
            b.Configuration["Julia:LogLevel"] = "Warning";
            foreach (var (k, v) in settings) b.Configuration[k] = v;
            if (clock is not null) b.Services.AddSingleton(new Julia.Grains.Clock(clock));
        });
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
