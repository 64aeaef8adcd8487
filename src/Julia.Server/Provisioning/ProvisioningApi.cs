using System.Security.Claims;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Provisioning;

public sealed record ProvisionRequestBody(string? Reason, int? Ddd);

public sealed record ProvisionCreated(long Id, DateOnly Day, int DailyMax);

/// <summary>
/// <c>GET /v1/provisioning</c>: every request, newest first, with its status, attempts and last error (phones
/// masked, no secrets). <c>POST /v1/provisioning</c> <c>{reason, ddd?}</c>: an operator asks for one number, under
/// the same daily cap as the pool manager.
/// </summary>
public static class ProvisioningApi
{
    public static RouteGroupBuilder MapProvisioning(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/provisioning").WithTags("Provisioning").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapGet("/", List);
        g.MapPost("/", Request);
        return g;
    }

    static async Task<Ok<List<ProvisionRequest>>> List(long? before, int? limit, ProvisionStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(before, Math.Clamp(limit ?? 100, 1, 1000), ct));

    static async Task<Results<Created<ProvisionCreated>, ProblemHttpResult>> Request(ProvisionRequestBody body, ClaimsPrincipal user, ProvisionStore store,
        PoolSettings pool, ProvisioningWorker worker, Clock time, CancellationToken ct)
    {
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        if (body.Ddd is { } ddd && (ddd is < 11 or > 99 || ddd % 10 == 0))
            return Problems.Invalid("invalid_ddd", "ddd must be a Brazilian area code (11–99, not ending in 0).");
        var config = await pool.GetAsync(ct);
        var now = time.GetUtcNow();
        var day = config.Window.LocalDay(now); // the pool's day (São Paulo): the cap resets at its midnight
        var max = config.Targets.ProvisionDailyMax;
        var id = await store.RequestAsync(day, max, user.Actor(), body.Reason!.Trim(), body.Ddd, now, ct);
        if (id is null)
            return Problems.Conflict("provision_daily_cap", $"The pool's daily provisioning cap ({max}) is reached for {day:yyyy-MM-dd}.",
                new Dictionary<string, object?>
                {
                    ["dailyMax"] = max,
                    ["day"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                });
        worker.Wake();
        return TypedResults.Created($"/v1/provisioning/{id}", new ProvisionCreated(id.Value, day, max));
    }
}
