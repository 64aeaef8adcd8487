using System.Collections.Concurrent;
using System.Text.Json;

namespace Julia.Simulator;

/// <summary>How the fake number provider misbehaves: unreachable-like 503s, a fixed 4xx, 500s, 429s.</summary>
public sealed record SalvyFaults
{
    /// <summary>Every call answered 503 (the provider is down).</summary>
    public bool Down { get; init; }
    /// <summary>Every call answered with this 4xx (e.g. 402 no credit, 422 no numbers in the DDD).</summary>
    public int? ClientError { get; init; }
    /// <summary>Every call answered 500.</summary>
    public bool ServerError { get; init; }
    /// <summary>Every call answered 429.</summary>
    public bool RateLimited { get; init; }
}

public sealed record SalvyNumber(string Id, string Phone, int Ddd, string IdempotencyKey, DateTimeOffset At);

/// <summary>
/// A fake Salvy-like number provider on loopback: <c>POST /v1/numbers</c> <c>{"ddd":11}</c> with a bearer key and an
/// <c>Idempotency-Key</c> buys a number in that DDD (the same key answers the same number); faults are switchable.
/// </summary>
public sealed class SalvySimulator : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, SalvyNumber> _byKey = new();
    readonly object _buy = new();
    int _next;

    public string ApiKey { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public SalvyFaults Faults { get; set; } = new();
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Every number bought (one per idempotency key).</summary>
    public IReadOnlyCollection<SalvyNumber> Bought => _byKey.Values.OrderBy(n => n.At).ToList();

    /// <summary>Calls received, faulty or not.</summary>
    public int Calls => _calls;
    int _calls;

    SalvySimulator(WebApplication app, string apiKey, int firstNumber)
    {
        _app = app;
        ApiKey = apiKey;
        _next = firstNumber;
    }

    /// <param name="firstNumber">The numbers handed out count up from here (distinct ranges keep test runs apart).</param>
    public static async Task<SalvySimulator> StartAsync(string apiKey = "salvy-test-key", int firstNumber = 1, string url = "http://127.0.0.1:0")
    {
        var app = Loopback.Build(url);
        var sim = new SalvySimulator(app, apiKey, firstNumber);
        app.MapPost("/v1/numbers", sim.BuyAsync);
        app.MapPost("/control/faults", (SalvyFaults f) => { sim.Faults = f; return Results.Ok(f); });
        app.MapGet("/control/numbers", () => Results.Ok(sim.Bought));
        sim.BaseAddress = await Loopback.StartAsync(app);
        return sim;
    }

    async Task<IResult> BuyAsync(HttpRequest req)
    {
        Interlocked.Increment(ref _calls);
        var f = Faults;
        if (f.Down) return Results.Json(new { error = "service_unavailable" }, statusCode: 503);
        if (f.ServerError) return Results.Json(new { error = "internal_error" }, statusCode: 500);
        if (f.RateLimited) return Results.Json(new { error = "rate_limited" }, statusCode: 429);
        if (f.ClientError is { } code) return Results.Json(new { error = "rejected", message = $"simulated {code}" }, statusCode: code);
        if (req.Headers.Authorization.FirstOrDefault() != "Bearer " + ApiKey) return Results.Json(new { error = "unauthorized" }, statusCode: 401);
        var key = req.Headers["Idempotency-Key"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(key)) return Results.Json(new { error = "idempotency_key_required" }, statusCode: 400);
        int ddd = 11;
        try
        {
            using var doc = await JsonDocument.ParseAsync(req.Body);
            if (doc.RootElement.TryGetProperty("ddd", out var d) && d.ValueKind == JsonValueKind.Number) ddd = d.GetInt32();
        }
        catch (JsonException) { return Results.Json(new { error = "invalid_json" }, statusCode: 400); }
        if (ddd is < 11 or > 99 || ddd % 10 == 0) return Results.Json(new { error = "invalid_ddd" }, statusCode: 422);
        SalvyNumber n;
        lock (_buy)
            n = _byKey.GetOrAdd(key, k => new SalvyNumber("num_" + Guid.NewGuid().ToString("N")[..12], $"+55{ddd}97{_next++:0000000}", ddd, k,
                Clock.GetUtcNow()));
        return Results.Ok(new { id = n.Id, phone = n.Phone, status = "active" });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
