using System.Security.Claims;
using Julia.Domain.Contacts;
using Julia.Domain.Phones;
using Julia.Grains;
using Julia.Grains.Conversations;
using Julia.Grains.Pool;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Contacts;

/// <param name="Until">When the override ends; default: the end of today in the sending window's time zone (São Paulo).</param>
/// <param name="Count">How many messages it lets through before then; default: any number until it ends.</param>
public sealed record OverrideRequest(string? Rule, string? Reason, DateTimeOffset? Until, int? Count);

public sealed record RevokeOverrideRequest(string? Reason);

public sealed record OverrideJson(long Id, string Contact, string Rule, string Reason, string Actor, DateTimeOffset CreatedAt, DateTimeOffset Until,
    int? Count, int Used, bool InForce, DateTimeOffset? RevokedAt, string? RevokedBy, string? RevokeReason)
{
    public static OverrideJson From(OverrideRecord o, DateTimeOffset now) => new(o.Id, o.Contact, o.Rule, o.Reason, o.Actor, o.CreatedAt, o.Until,
        o.Count, o.Used, new ContactOverride(o.Id, o.Rule, o.Until, o.Count, o.Used, o.RevokedAt).InForce(now), o.RevokedAt, o.RevokedBy, o.RevokeReason);
}

/// <summary>
/// Operator overrides of one contact's volume rules (the frequency cap, the daily limit), with a written
/// reason. Nothing here can lift an opt-out, a missing lawful basis, the pool gate or the sending window.
/// Changes go through the contact's grain (it keeps what selection reads) and are answered from the table.
/// </summary>
public static class OverridesApi
{
    public static RouteGroupBuilder MapContactOverrides(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/contacts/{phone}/overrides").WithTags("Contacts").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapPost("/", Create);
        g.MapGet("/", List);
        g.MapPost("/{id:long}/revoke", Revoke);
        return g;
    }

    internal static async Task<Results<Created<OverrideJson>, ProblemHttpResult>> Create(string phone, OverrideRequest body, ClaimsPrincipal user,
        OverrideStore store, PoolSettings settings, IGrainFactory grains, Clock time, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        var now = time.GetUtcNow();
        var (until, code, detail) = ContactOverrides.Ends(body.Rule?.Trim(), body.Until, body.Count, now, (await settings.GetAsync(ct)).Window);
        if (code is not null) return Problems.Invalid(code, detail!);
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        var id = await grains.GetGrain<IConversationGrain>(p.E164).GrantOverrideAsync(body.Rule!.Trim(), body.Reason!.Trim(), until!.Value, body.Count,
            user.Actor());
        var made = (await store.GetAsync(p.E164, id, ct))!;
        return TypedResults.Created($"/v1/contacts/{Uri.EscapeDataString(p.E164)}/overrides/{id}", OverrideJson.From(made, time.GetUtcNow()));
    }

    internal static async Task<Results<Ok<List<OverrideJson>>, ProblemHttpResult>> List(string phone, OverrideStore store,
        Clock time, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        var now = time.GetUtcNow();
        return TypedResults.Ok((await store.ListAsync(p.E164, ct)).Select(o => OverrideJson.From(o, now)).ToList());
    }

    internal static async Task<Results<Ok<OverrideJson>, ProblemHttpResult>> Revoke(string phone, long id, RevokeOverrideRequest body, ClaimsPrincipal user,
        OverrideStore store, IGrainFactory grains, Clock time, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        if (!await grains.GetGrain<IConversationGrain>(p.E164).RevokeOverrideAsync(id, body.Reason!.Trim(), user.Actor()))
            return await store.GetAsync(p.E164, id, ct) is null
                ? Problems.NotFound("override_not_found", "The contact has no override with this id.")
                : Problems.Conflict("override_ended", "The override already ended (revoked or past its end).");
        return TypedResults.Ok(OverrideJson.From((await store.GetAsync(p.E164, id, ct))!, time.GetUtcNow()));
    }
}
