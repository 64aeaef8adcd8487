using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Julia.Grains;
using Julia.Server.Http;
using Julia.Storage.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Julia.Server.Auth;

public static class Scopes
{
    public const string Agent = "agent";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly string[] All = [Agent, Operator, Admin];

    /// <summary>Policy names: who may call an endpoint. Admin may call everything.</summary>
    public const string AgentPolicy = "agent";
    public const string OperatorPolicy = "operator";
    public const string AnyPolicy = "any";

    public const string ClaimType = "scope";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(ClaimType, Admin);
    /// <summary>Who the operations log names: an API key by its name, a console user by e-mail.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        (user.Identity?.AuthenticationType == ConsoleWeb.ConsoleAuth.Scheme ? "user:" : "key:") + (user.Identity?.Name ?? "unknown");
}

/// <summary>The keys demo mode accepts, from loopback only. They are not stored anywhere.</summary>
public static class DemoKeys
{
    public static readonly IReadOnlyDictionary<string, string[]> Keys = new Dictionary<string, string[]>
    {
        ["demo-agent-key"] = [Scopes.Agent],
        ["demo-operator-key"] = [Scopes.Operator],
        ["demo-admin-key"] = [Scopes.Admin],
    };
}

public sealed class ApiKeyAuthOptions : AuthenticationSchemeOptions
{
    public bool Demo { get; set; }
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. Keys are looked up by SHA-256 hash and cached for a
/// minute (a revoked key stops working within that minute).
/// </summary>
public sealed class ApiKeyAuthHandler(IOptionsMonitor<ApiKeyAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder,
                                      ApiKeyStore keys, Clock time)
    : AuthenticationHandler<ApiKeyAuthOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    static readonly ConcurrentDictionary<string, (ApiKeyInfo? Key, long Expires)> Cache = new();
    static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 200) return AuthenticateResult.Fail("invalid key");

        if (DemoKeyScopes(key) is { } demoScopes)
        {
            var remote = Context.Connection.RemoteIpAddress;
            return Options.Demo && remote is not null && IPAddress.IsLoopback(remote)
                ? Success(key, demoScopes)
                : AuthenticateResult.Fail("demo keys work only in demo mode, from loopback");
        }

        var hash = ApiKeyStore.Hash(key);
        var nowTicks = time.GetTimestamp();
        if (!Cache.TryGetValue(hash, out var cached) || cached.Expires < nowTicks)
        {
            cached = (await keys.FindAsync(key, Context.RequestAborted), nowTicks + (long)(CacheFor.TotalSeconds * time.TimestampFrequency));
            Cache[hash] = cached;
        }
        return cached.Key is { } k ? Success(k.Name, k.Scopes) : AuthenticateResult.Fail("unknown key");
    }

    static readonly (byte[] Key, string[] Scopes)[] DemoKeyBytes = [.. DemoKeys.Keys.Select(k => (Encoding.UTF8.GetBytes(k.Key), k.Value))];

    /// <summary>Compared in constant time, with the key encoded once on the stack (every request asks).</summary>
    static string[]? DemoKeyScopes(string key)
    {
        Span<byte> given = stackalloc byte[600]; // a key has at most 200 characters, 3 bytes each at most
        var length = Encoding.UTF8.GetBytes(key, given);
        foreach (var (demo, scopes) in DemoKeyBytes)
            if (CryptographicOperations.FixedTimeEquals(demo, given[..length])) return scopes;
        return null;
    }

    static AuthenticateResult Success(string name, string[] scopes)
    {
        // Claims made with their identity as subject: ClaimsIdentity copies any claim made without one.
        var identity = new ClaimsIdentity(SchemeName);
        identity.AddClaim(Claim(ClaimTypes.Name, name, identity));
        foreach (var s in scopes) identity.AddClaim(Claim(Scopes.ClaimType, s, identity));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    static Claim Claim(string type, string value, ClaimsIdentity identity) =>
        new(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.Of(401, "unauthorized", "An API key is required.", "Send Authorization: Bearer <key>.").ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(403, "forbidden", "This key's scopes do not allow this request.").ExecuteAsync(Context);
}
