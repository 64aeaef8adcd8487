using System.Security.Cryptography;
using System.Text;
using Julia.Providers.Meta;
using Microsoft.Extensions.Options;

namespace Julia.Server.Inbox;

/// <summary>
/// <c>GET /webhooks/meta?hub.mode=subscribe&amp;hub.challenge=…&amp;hub.verify_token=…</c>: Meta's check that the webhook
/// URL is ours (spec §4.1). The raw challenge back with 200 when the mode is <c>subscribe</c> and the token matches the
/// configured one (compared in constant time); otherwise 403, and with no token configured every check fails.
/// </summary>
public static class MetaVerification
{
    public static void MapMetaVerification(this IEndpointRouteBuilder app) =>
        app.MapGet("/webhooks/" + MetaWebhooks.Name, Verify).WithTags("Webhooks").AllowAnonymous();

    static IResult Verify(HttpContext ctx, IOptions<MetaOptions> options)
    {
        var q = ctx.Request.Query;
        string? mode = q["hub.mode"], token = q["hub.verify_token"], challenge = q["hub.challenge"];
        var expected = options.Value.VerifyToken;
        if (mode != "subscribe" || string.IsNullOrEmpty(challenge))
            return Http.Problems.Of(400, "invalid_verification", "hub.mode must be subscribe and hub.challenge must be given.");
        if (string.IsNullOrEmpty(expected) || token is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
            return Http.Problems.Of(403, "invalid_verify_token", "The verify token does not match.");
        return TypedResults.Text(challenge, "text/plain");
    }
}
