using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Provisioning;

/// <summary><c>GET /v1/chips/{id}/qr</c>: the latest pairing QR of a pending chip, for an operator to scan.</summary>
public static class QrApi
{
    public static void MapChipQr(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/chips/{id:long}/qr", Get).WithTags("Chips").RequireAuthorization(Scopes.OperatorPolicy);

    static async Task<Results<Ok<QrJson>, ProblemHttpResult>> Get(long id, QrStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } qr) return Problems.NotFound("chip_not_found", $"No chip with id {id}.");
        if (qr.Status != "pending")
            return Problems.Conflict("chip_not_pending", $"Only a pending chip has a pairing QR; this one is {qr.Status}.",
                new Dictionary<string, object?> { ["status"] = qr.Status });
        if (qr.UpdatedAt is not { } at || (qr.Code is null && qr.Base64 is null))
            return Problems.NotFound("qr_not_available", "The gateway has not sent this chip's QR yet; try again in a few seconds.");
        return TypedResults.Ok(new QrJson(id, qr.Code, qr.Base64, at));
    }
}
