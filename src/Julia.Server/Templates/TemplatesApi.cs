using Julia.Server.Auth;
using Julia.Storage.Meta;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Templates;

/// <summary><c>GET /v1/templates</c>: every WABA's WhatsApp templates with their status and category.</summary>
public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplates(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/templates").WithTags("Templates").RequireAuthorization(Scopes.AnyPolicy);
        g.MapGet("/", List);
        return g;
    }

    static async Task<Ok<List<TemplateJson>>> List(MetaTemplateStore store, string? waba, string? status, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct))
            .Where(t => (waba is null || t.WabaId == waba) && (status is null || string.Equals(t.Status, status, StringComparison.OrdinalIgnoreCase)))
            .Select(TemplateJson.From).ToList());
}
