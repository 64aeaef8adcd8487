using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>Stands in for the Julia agent: records every inbound POST; can be told to fail.</summary>
public sealed class AgentListener : IAsyncDisposable
{
    public sealed record Received(string Body, string? Signature);

    readonly WebApplication _app;
    public ConcurrentQueue<Received> Requests { get; } = new();
    public int FailWith { get; set; }
    public string Url { get; private set; } = "";

    AgentListener(WebApplication app) => _app = app;

    public static async Task<AgentListener> StartAsync()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Logging.ClearProviders();
        var app = b.Build();
        var listener = new AgentListener(app);
        app.MapPost("/inbound", async (HttpRequest req) =>
        {
            using var reader = new StreamReader(req.Body);
            var body = await reader.ReadToEndAsync();
            if (listener.FailWith != 0) return Results.StatusCode(listener.FailWith);
            listener.Requests.Enqueue(new Received(body, req.Headers["X-Julia-Signature"].FirstOrDefault()));
            return Results.Ok();
        });
        await app.StartAsync();
        listener.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/inbound";
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
