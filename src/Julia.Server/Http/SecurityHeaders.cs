namespace Julia.Server.Http;

/// <summary>
/// The headers an internet-facing service sends on every answer: no MIME sniffing, no referrer (console addresses
/// carry phone numbers), a Content-Security-Policy per area, and HSTS once the request came over TLS (directly or
/// through a configured proxy, see <see cref="Proxies"/>).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>The console's own pages: its one script and stylesheet, forms posting to itself, never framed.</summary>
    public const string ConsolePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
                                        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>The Orleans Dashboard (third-party pages with inline script and style): still same-origin only and never framed.</summary>
    public const string DashboardPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
                                          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>JSON, metrics and health answers: nothing in them may load or run anything.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public const string Hsts = "max-age=31536000";

    public Task InvokeAsync(HttpContext ctx)
    {
        var headers = ctx.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var policy = PolicyFor(ctx.Request.Path);
        if (policy is not null) headers.ContentSecurityPolicy = policy;
        if (ctx.Request.IsHttps) headers.StrictTransportSecurity = Hsts;
        return next(ctx);
    }

    /// <summary>Null for the API reference at /docs, whose page loads its viewer from a CDN (framing is still refused there by X-Frame-Options).</summary>
    public static string? PolicyFor(PathString path)
    {
        if (path.StartsWithSegments(ConsoleWeb.ConsoleSetup.DashboardPath)) return DashboardPolicy;
        if (path.StartsWithSegments("/console")) return ConsolePolicy;
        if (path.StartsWithSegments("/docs")) return null;
        return ApiPolicy;
    }
}
