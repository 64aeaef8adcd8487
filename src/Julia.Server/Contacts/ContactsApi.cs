using System.Security.Claims;
using Julia.Domain.Phones;
using Julia.Grains.Conversations;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Contacts;

public static class ContactsApi
{
    public static RouteGroupBuilder MapContacts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/contacts").WithTags("Contacts");
        g.MapPut("/{phone}", PutBasis).RequireAuthorization(Scopes.AgentPolicy);
        g.MapGet("/{phone}", Get).RequireAuthorization(Scopes.AnyPolicy);
        g.MapPost("/{phone}/opt-out", OptOut).RequireAuthorization(Scopes.AnyPolicy);
        g.MapPost("/{phone}/opt-in", OptIn).RequireAuthorization(Scopes.AnyPolicy);
        return g;
    }

    static readonly string[] Bases = ["consent", "legitimate_interest"];

    // Changes go through the contact's grain (it keeps what selection reads); the answer is read back from the table.
    static async Task<Results<Ok<ContactJson>, ProblemHttpResult>> PutBasis(string phone, LawfulBasisRequest body, ClaimsPrincipal user,
        ContactStore store, IGrainFactory grains, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        if (body.LawfulBasis is null || !Bases.Contains(body.LawfulBasis))
            return Problems.Invalid("invalid_lawful_basis", "lawfulBasis must be consent or legitimate_interest.");
        if (string.IsNullOrWhiteSpace(body.Source) || body.Source.Length > 500)
            return Problems.Invalid("source_required", "source (where the basis comes from, at most 500 characters) is required.");
        if (body.Name is { Length: > 200 }) return Problems.Invalid("invalid_name", "name is at most 200 characters.");
        await grains.GetGrain<IConversationGrain>(p.E164).PutBasisAsync(body.LawfulBasis, body.Source.Trim(), body.Name, user.Actor());
        return TypedResults.Ok(ContactJson.From((await store.GetAsync(p.E164, ct))!));
    }

    static async Task<Results<Ok<ContactJson>, ProblemHttpResult>> Get(string phone, ContactStore store, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        return await store.GetAsync(p.E164, ct) is { } c ? TypedResults.Ok(ContactJson.From(c)) : ContactNotFound();
    }

    internal static async Task<Results<Ok<ContactJson>, ProblemHttpResult>> OptOut(string phone, OptOutRequest? body, ClaimsPrincipal user,
        ContactStore store, IGrainFactory grains, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        var source = string.IsNullOrWhiteSpace(body?.Source) ? "api" : body.Source.Trim();
        if (source.Length > 200 || body?.Text is { Length: > 4096 }) return Problems.Invalid("invalid_field",
            "source is at most 200 characters, text at most 4096.");
        await grains.GetGrain<IConversationGrain>(p.E164).OptOutAsync(source, body?.Text, user.Actor());
        return TypedResults.Ok(ContactJson.From((await store.GetAsync(p.E164, ct))!));
    }

    internal static async Task<Results<Ok<ContactJson>, ProblemHttpResult>> OptIn(string phone, OptInRequest body, ClaimsPrincipal user,
        ContactStore store, IGrainFactory grains, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        return await grains.GetGrain<IConversationGrain>(p.E164).OptInAsync(body.Reason!.Trim(), user.Actor())
            ? TypedResults.Ok(ContactJson.From((await store.GetAsync(p.E164, ct))!))
            : ContactNotFound();
    }

    static ProblemHttpResult ContactNotFound() => Problems.NotFound("contact_not_found", "No contact with this phone number.");
}
