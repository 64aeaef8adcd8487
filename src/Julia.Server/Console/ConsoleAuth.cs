using System.Security.Claims;
using Julia.Grains;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Julia.Server.ConsoleWeb;

/// <summary>
/// The console's own sign-in: a cookie scheme beside the API's bearer keys (the API never accepts the cookie, and
/// the console never accepts a key). The cookie is HttpOnly, SameSite=Strict, sliding (8 h by default), and carries
/// the user's security stamp, checked on every request, so a changed password or role ends the sessions at once.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "Console";
    public const string ViewerPolicy = "console";
    public const string OperatorPolicy = "console-operator";
    public const string AdminPolicy = "console-admin";
    public const string StampClaim = "stamp";
    public const string LoginPath = "/console/login";

    public static void AddConsoleAuth(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "julia.console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind TLS; plain HTTP on loopback in the demo
            o.Cookie.Path = "/console";
            o.ExpireTimeSpan = options.Session;
            o.SlidingExpiration = true;
            o.LoginPath = LoginPath;
            o.LogoutPath = "/console/logout";
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                // A signed-in user without the role gets 403, not a redirect (a forged POST must fail visibly).
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        // Sessions expire on the service's clock, which tests move.
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IServiceProvider>((o, sp) => o.TimeProvider = sp.GetRequiredService<Clock>());
        services.AddAuthorizationBuilder()
            .AddPolicy(ViewerPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(ConsoleRoles.All))
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireRole(ConsoleRoles.Operator, ConsoleRoles.Admin))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(ConsoleRoles.Admin));
    }

    public static ClaimsPrincipal Principal(ConsoleUser user)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Email),
            new(ClaimTypes.GivenName, user.Name),
            new(ClaimTypes.Role, user.Role),
            new(StampClaim, user.SecurityStamp.ToString()),
        ];
        // The API handlers the console calls read the same scope an API key would carry (an admin sees full numbers).
        // The API itself never accepts this cookie: its endpoints authenticate API keys only.
        if (user.Role != ConsoleRoles.Viewer) claims.Add(new(Auth.Scopes.ClaimType, user.Role));
        return new(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string? Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role);

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.GivenName) ?? user.Identity?.Name ?? "";

    /// <summary>The user still exists with the same stamp; their role is re-read, so a demotion applies at once.</summary>
    static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var users = ctx.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var principal = ctx.Principal!;
        var user = long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? await users.FindAsync(id, ctx.HttpContext.RequestAborted) : null;
        if (user is null || user.SecurityStamp.ToString() != principal.FindFirstValue(StampClaim))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
        }
    }
}
