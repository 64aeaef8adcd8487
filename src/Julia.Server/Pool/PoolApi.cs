using System.Security.Claims;
using Julia.Domain.Pool;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Auth;
using Julia.Server.Chips;
using Julia.Server.Http;
using Julia.Storage.Pool;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Pool;

/// <param name="Manager">The pool manager's last pass: what it moved, how many conversations it moved, what it requested or held back.</param>
public sealed record PoolJson(string Health, IReadOnlyDictionary<string, int> Chips, int Connected, int Total, GateState Gate, PoolConfig Config,
                              ManagerPass? Manager = null);

public static class PoolApi
{
    public static RouteGroupBuilder MapPool(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/pool").WithTags("Pool").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapGet("/", Get);
        g.MapPut("/config", PutConfig);
        g.MapPost("/prospecting/pause", Pause);
        g.MapPost("/prospecting/resume", Resume);
        return g;
    }

    internal static async Task<Ok<PoolJson>> Get(PoolStore store, PoolSettings settings, IGrainFactory grains, CancellationToken ct)
    {
        var config = await settings.GetAsync(ct);
        var counts = await store.CountsAsync(ct);
        var gate = await store.GateAsync(ct);
        var health = PoolHealth.Of(counts.ByStatus.GetValueOrDefault("active"), counts.ByStatus.GetValueOrDefault("ready"), config.Targets);
        return TypedResults.Ok(new PoolJson(health, counts.ByStatus, counts.Connected, counts.Total, gate, config, await Pool(grains).LastManagerAsync()));
    }

    static IPoolGrain Pool(IGrainFactory grains) => grains.GetGrain<IPoolGrain>(Names.Pool);

    internal static async Task<Results<Ok<PoolConfig>, ProblemHttpResult>> PutConfig(PoolConfig body, ClaimsPrincipal user, PoolStore store,
        IGrainFactory grains,
        PoolSettings settings, Clock time, CancellationToken ct)
    {
        var config = PoolSettings.Normalise(body);
        var errors = config.Validate();
        if (errors.Count > 0)
            return Problems.Invalid("invalid_config", string.Join("; ", errors), new Dictionary<string, object?>
            {
                ["errors"] = errors,
                // Each message names its field first ("targets.activeMax: …"), so a form can point at it.
                ["fields"] = errors.Select(e => e.Split(':')[0]).Where(f => !f.Contains(' ')).Distinct().ToList(),
            });
        await Pool(grains).SaveConfigAsync(store.ToJson(config), user.Actor(), time.GetUtcNow());
        settings.Invalidate();
        return TypedResults.Ok(config);
    }

    // The other nodes hear of a trip or a resume by NOTIFY; this one drops its copy at once, so the
    // caller's next selection here already obeys it.
    internal static async Task<Results<Ok<GateState>, ProblemHttpResult>> Pause(ReasonRequest body, ClaimsPrincipal user, PoolStore store, IGrainFactory grains,
        PoolSettings settings, Clock time, CancellationToken ct)
    {
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        await Pool(grains).TripAsync(user.Actor(), "operator: " + body.Reason!.Trim(), time.GetUtcNow());
        settings.Invalidate();
        return TypedResults.Ok(await store.GateAsync(ct));
    }

    internal static async Task<Results<Ok<GateState>, ProblemHttpResult>> Resume(ReasonRequest body, ClaimsPrincipal user, PoolStore store,
        IGrainFactory grains,
        PoolSettings settings, Clock time, CancellationToken ct)
    {
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        if (!await Pool(grains).ResumeAsync(user.Actor(), body.Reason!.Trim(), time.GetUtcNow()))
            return Problems.Conflict("gate_not_tripped", "Prospecting is not paused.");
        settings.Invalidate();
        return TypedResults.Ok(await store.GateAsync(ct));
    }
}
