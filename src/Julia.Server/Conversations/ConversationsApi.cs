using Julia.Domain.Phones;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Conversations;

public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/conversations").WithTags("Conversations").RequireAuthorization(Scopes.AnyPolicy);
        g.MapGet("/{phone}", Get);
        return g;
    }

    static async Task<Results<Ok<Conversation>, ProblemHttpResult>> Get(string phone, ConversationStore store, CancellationToken ct)
    {
        if (!Phone.TryParse(phone, out var p)) return Problems.InvalidPhone();
        return await store.GetAsync(p.E164, ct) is { } c
            ? TypedResults.Ok(c)
            : Problems.NotFound("conversation_not_found", "This contact has no conversation yet.");
    }
}
