using Julia.Server.Auth;
using Julia.Storage.Inbox;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Inbound;

public static class InboundApi
{
    public static void MapInbound(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/inbound", Get).WithTags("Inbound").RequireAuthorization(Scopes.AgentPolicy);

    /// <summary>Doctors' messages after a cursor, oldest first; pass <c>next</c> back as <c>after</c>.</summary>
    static async Task<Ok<InboundPage>> Get(long? after, int? limit, InboundStore store, CancellationToken ct)
    {
        var items = await store.AfterAsync(after ?? 0, Math.Clamp(limit ?? 100, 1, 1000), ct);
        return TypedResults.Ok(new InboundPage(items.Select(InboundJson.From).ToList(), items.Count > 0 ? items[^1].Id : after ?? 0));
    }
}
