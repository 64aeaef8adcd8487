using Julia.Grains;
using System.Security.Claims;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Inbox;
using Julia.Storage.Signals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Alerts;

public static class AlertsApi
{
    public static void MapAlerts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1").WithTags("Alerts and dead letters").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapGet("/alerts", async (bool? open, int? limit, SignalStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.AlertsAsync(open ?? true, Math.Clamp(limit ?? 100, 1, 1000), ct)));
        g.MapPost("/alerts/{id:long}/resolve", Resolve);
        g.MapGet("/inbox/dead", async (int? limit, InboxStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync("dead", Math.Clamp(limit ?? 100, 1, 1000), ct)));
        // Doctors' messages known only by LID, waiting for an event that shows the phone.
        g.MapGet("/inbox/held", async (int? limit, InboxStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync("held", Math.Clamp(limit ?? 100, 1, 1000), ct)));
        g.MapPost("/inbox/{id:long}/replay", Replay);
    }

    static async Task<Results<Ok, ProblemHttpResult>> Resolve(long id, ClaimsPrincipal user, SignalStore store, [FromKeyedServices(Names.Clock)] TimeProvider time, CancellationToken ct) =>
        await store.ResolveAlertAsync(id, user.Actor(), time.GetUtcNow(), ct) switch
        {
            null => Problems.NotFound("alert_not_found", $"No alert with id {id}."),
            false => Problems.Conflict("alert_resolved", "The alert is already resolved."),
            _ => TypedResults.Ok(),
        };

    static async Task<Results<Ok, ProblemHttpResult>> Replay(long id, InboxStore store, Inbox.InboxWorker worker, [FromKeyedServices(Names.Clock)] TimeProvider time, CancellationToken ct)
    {
        switch (await store.ReplayAsync(id, time.GetUtcNow(), ct))
        {
            case null: return Problems.NotFound("event_not_found", $"No inbox event with id {id}.");
            case false: return Problems.Conflict("event_not_dead", "Only dead-lettered events can be replayed.");
            default: worker.Wake(); return TypedResults.Ok();
        }
    }
}
