using System.Security.Claims;
using Julia.Grains;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Alerts;
using Julia.Storage.Inbox;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Alerts;

public static class AlertsApi
{
    public static void MapAlerts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1").WithTags("Alerts and dead letters").RequireAuthorization(Scopes.OperatorPolicy);
        // Each alert with its subject and, per channel, where its notices are (raised, resolved: pending, sending, sent, failed).
        g.MapGet("/alerts", async (bool? open, int? limit, AlertStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(open ?? true, Math.Clamp(limit ?? 100, 1, 1000), ct)));
        g.MapPost("/alerts/{id:long}/resolve", Resolve);
        g.MapGet("/inbox/dead", async (int? limit, InboxStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync("dead", Math.Clamp(limit ?? 100, 1, 1000), ct)));
        // Doctors' messages known only by LID, waiting for an event that shows the phone.
        g.MapGet("/inbox/held", async (int? limit, InboxStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync("held", Math.Clamp(limit ?? 100, 1, 1000), ct)));
        g.MapPost("/inbox/{id:long}/replay", Replay);
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> Resolve(long id, ClaimsPrincipal user, AlertStore store, AlertsWorker worker,
                                                              Clock time, CancellationToken ct)
    {
        switch (await store.ResolveAsync(id, user.Actor(), time.GetUtcNow(), ct))
        {
            case null: return Problems.NotFound("alert_not_found", $"No alert with id {id}.");
            case false: return Problems.Conflict("alert_resolved", "The alert is already resolved.");
            default: worker.Wake(); return TypedResults.Ok(); // the resolution notice goes out now, not at the next poll
        }
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> Replay(long id, InboxStore store, Inbox.InboxWorker worker, Clock time, CancellationToken ct)
    {
        switch (await store.ReplayAsync(id, time.GetUtcNow(), ct))
        {
            case null: return Problems.NotFound("event_not_found", $"No inbox event with id {id}.");
            case false: return Problems.Conflict("event_not_dead", "Only dead-lettered events can be replayed.");
            default: worker.Wake(); return TypedResults.Ok();
        }
    }
}
