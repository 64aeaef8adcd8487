using System.Text.Json;

namespace Julia.Simulator;

/// <summary>
/// A fake Slack incoming webhook on 127.0.0.1: <c>POST /services/{path}</c> with <c>{"text": …}</c> answers 200 "ok"
/// for the one webhook path it knows, 404 "no_service" for any other, 400 "invalid_payload" without text, and the
/// switchable faults of <see cref="ChatFaults"/>. <see cref="WebhookUrl"/> is what the notifier is configured with.
/// </summary>
public sealed class SlackSimulator : ChatSimulatorBase, IAsyncDisposable
{
    readonly WebApplication _app;
    public string Path { get; }

    /// <summary>The full webhook URL (a secret in real life).</summary>
    public string WebhookUrl => new Uri(BaseAddress, "services/" + Path).ToString();

    SlackSimulator(WebApplication app, string path) { _app = app; Path = path; }

    public static async Task<SlackSimulator> StartAsync(string path = "T0000SIM/B0000SIM/simulatedwebhooksecret00", string url = "http://127.0.0.1:0")
    {
        var app = Loopback.Build(url);
        var sim = new SlackSimulator(app, path);
        app.MapPost("/services/{**path}", sim.HandleAsync);
        sim.BaseAddress = await Loopback.StartAsync(app);
        return sim;
    }

    async Task<IResult> HandleAsync(string path, HttpContext http)
    {
        var f = Take();
        switch (f.Fault)
        {
            case ChatFault.Down: Record(0, null); http.Abort(); return Results.Empty;
            case ChatFault.NotFound: return Answer(404, "no_service");
            case ChatFault.Forbidden: return Answer(403, "invalid_token");
            case ChatFault.ServerError: return Answer(500, "internal_error");
            case ChatFault.RateLimited:
                http.Response.Headers.RetryAfter = f.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Answer(429, "rate_limited");
        }
        if (path != Path) return Answer(404, "no_service");
        string? text = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (doc.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) text = t.GetString();
        }
        catch (JsonException) { }
        if (string.IsNullOrEmpty(text)) return Answer(400, "invalid_payload");
        Record(200, new ChatMessage(text, null, DateTimeOffset.UtcNow));
        return Results.Text("ok", "text/plain", statusCode: 200);
    }

    IResult Answer(int status, string body)
    {
        Record(status, null);
        return Results.Text(body, "text/plain", statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
