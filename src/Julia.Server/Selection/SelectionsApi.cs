using System.Security.Claims;
using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Grains.Conversations;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Selection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Selection;

public static class SelectionsApi
{
    public static RouteGroupBuilder MapSelections(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/selections").WithTags("Selections");
        g.MapPost("/", Select).RequireAuthorization(Scopes.AgentPolicy);
        g.MapGet("/", List).RequireAuthorization(Scopes.OperatorPolicy);
        return g;
    }

    static async Task<Results<Ok<SelectionJson>, ProblemHttpResult>> Select(SelectionRequestJson body, IGrainFactory grains)
    {
        if (!Phone.TryParse(body.Contact, out var contact)) return Problems.InvalidPhone();
        if (!MessageKinds.TryParse(body.Kind, out var kind))
            return Problems.Invalid("invalid_kind", "kind must be prospecting, followup or reply (aliases: prospeccao, resposta).");
        if (body.ExcludeChips is { Length: > 1000 }) return Problems.Invalid("invalid_field", "excludeChips holds at most 1000 ids.");

        var outcome = await grains.GetGrain<IConversationGrain>(contact.E164).SelectAsync(kind.ToWire(), body.ExcludeChips ?? []);
        if (outcome.Selected is { } s)
            return TypedResults.Ok(new SelectionJson(s.SelectionId, s.Chip.Id, s.Chip.Phone, s.Chip.Instance, s.Reason, s.ConversationId, s.MigratedFrom,
                s.AnnouncementPending));

        var r = outcome.Refused!;
        var extra = new Dictionary<string, object?> { ["selectionId"] = r.SelectionId };
        if (r.Refusal.RetryAt is { } at) extra[r.Refusal.Code == RefusalCodes.OutsideWindow ? "opensAt" : "retryAt"] = at;
        if (r.Refusal.Code == RefusalCodes.NoEligibleChip)
        {
            extra["candidates"] = r.Candidates;
            extra["excluded"] = r.Excluded;
        }
        // About the contact: this request cannot be served as asked. About the pool or the clock: it may succeed later.
        return RefusalCodes.IsAboutContact(r.Refusal.Code)
            ? Problems.Of(422, r.Refusal.Code, "Refused by a contact guardrail.", r.Refusal.Detail, extra)
            : Problems.Of(409, r.Refusal.Code, "No chip may send this message now.", r.Refusal.Detail, extra);
    }

    // Contacts are doctors' personal numbers: masked unless the caller is an admin.
    internal static async Task<Ok<List<SelectionRecord>>> List(long? chipId, long? before, int? limit, ClaimsPrincipal user, SelectionStore store,
        CancellationToken ct)
    {
        var rows = await store.ListAsync(chipId, before, Math.Clamp(limit ?? 100, 1, 1000), ct);
        return TypedResults.Ok(user.IsAdmin() ? rows : rows.Select(r => r with { Contact = Phone.Mask(r.Contact) }).ToList());
    }
}
