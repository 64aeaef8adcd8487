using System.Security.Claims;
using Julia.Domain.Phones;
using Julia.Server.Auth;
using Julia.Storage.Operations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Operations;

public static class OperationsApi
{
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/operations").WithTags("Operations").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapGet("/", List);
        return g;
    }

    internal static async Task<Ok<List<Operation>>> List(long? chipId, long? before, int? limit, ClaimsPrincipal user, OperationStore store,
        CancellationToken ct)
    {
        var rows = await store.ListAsync(chipId, before, Math.Clamp(limit ?? 100, 1, 1000), ct);
        return TypedResults.Ok(user.IsAdmin() ? rows : rows.Select(o => o with { Contact = o.Contact is null ? null : Phone.Mask(o.Contact) }).ToList());
    }
}
