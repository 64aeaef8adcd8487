using System.Net;
using Julia.Server.Cluster;
using Julia.Server.ConsoleWeb;
using Julia.Server.Http;
using Julia.Server.Tests.Console;
using Julia.Server.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Deployment;

/// <summary>Several nodes behind one address: trusted proxies only, security headers, console sessions valid on every node.</summary>
[Trait("Category", "Fault")]
public class FrontDoorTests(ITestOutputHelper output)
{
    const string Password = "senha-de-teste-123";

    /// <summary>This machine's non-loopback address: requests to it arrive from it, so the server sees a caller that is not loopback.</summary>
    static IPAddress Outside() => OwnAddress.Resolve(OwnAddress.Auto);

    static HttpClient Client(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Forwarded_headers_count_only_from_configured_proxies_so_an_outside_caller_cannot_pose_as_loopback()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("front_proxies");
        var outside = Outside();
        // The configured proxy is some other machine; this test's requests come from the machine's own outside address.
        await using var node = await TestHost.Builder().OnDatabase(cs).Set(new Dictionary<string, string?>
        {
            ["urls"] = $"http://{outside}:0",
            ["Http:Proxies:Addresses:0"] = "192.0.2.10",
        }).Output(output).StartAsync();
        using var http = Client(node.BaseAddress);
        Assert.NotEqual(HttpStatusCode.OK, (await http.GetAsync("metrics")).StatusCode);
        var posing = new HttpRequestMessage(HttpMethod.Get, "metrics");
        posing.Headers.Add("X-Forwarded-For", "127.0.0.1");
        posing.Headers.Add("X-Forwarded-Proto", "https");
        var answer = await http.SendAsync(posing);
        Assert.NotEqual(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Strict-Transport-Security"), "a direct caller's X-Forwarded-Proto made the request look like TLS");

        // The same request through a configured proxy is believed: the proxy vouches for the client and the TLS.
        await using var behind = await TestHost.Builder().OnDatabase(cs).Set(new Dictionary<string, string?>
        {
            ["urls"] = $"http://{outside}:0",
            ["Http:Proxies:Addresses:0"] = outside.ToString(),
        }).Output(output).StartAsync();
        using var viaProxy = Client(behind.BaseAddress);
        var forwarded = new HttpRequestMessage(HttpMethod.Get, "metrics");
        forwarded.Headers.Add("X-Forwarded-For", "127.0.0.1");
        forwarded.Headers.Add("X-Forwarded-Proto", "https");
        var ok = await viaProxy.SendAsync(forwarded);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(SecurityHeaders.Hsts, string.Join(",", ok.Headers.GetValues("Strict-Transport-Security")));
        var spoofed = new HttpRequestMessage(HttpMethod.Get, "metrics");
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.NotEqual(HttpStatusCode.OK, (await viaProxy.SendAsync(spoofed)).StatusCode);
    }

    [Fact]
    public async Task Api_and_console_answers_carry_security_headers_and_cookies_are_secure_behind_tls()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("front_headers");
        await using var node = await TestHost.Builder().OnDatabase(cs).Set("Http:Proxies:Addresses:0", "127.0.0.1").Output(output).StartAsync();
        await node.Get<UserStore>().CreateAsync("ops@test.local", "Ops", ConsoleRoles.Operator, Password, DateTimeOffset.UtcNow, default);
        using var http = Client(node.BaseAddress);

        var api = await http.GetAsync("v1/chips");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        AssertCommon(api);
        Assert.Equal(SecurityHeaders.ApiPolicy, Header(api, "Content-Security-Policy"));
        Assert.False(api.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");

        var login = await http.GetAsync("console/login");
        AssertCommon(login);
        Assert.Equal(SecurityHeaders.ConsolePolicy, Header(login, "Content-Security-Policy"));
        Assert.DoesNotContain("onchange=", await (await SignedIn(node.BaseAddress)).GetStringAsync("console/chips"));

        // Behind a TLS proxy (X-Forwarded-Proto from a configured proxy): HSTS and a Secure session cookie.
        using var tls = Client(node.BaseAddress);
        tls.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var page = await tls.GetAsync("console/login");
        Assert.Equal(SecurityHeaders.Hsts, Header(page, "Strict-Transport-Security"));
        var signIn = await tls.PostAsync("console/login", Form(ConsoleFixture.Token(await page.Content.ReadAsStringAsync())));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("julia.console="));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_console_session_made_on_one_node_is_valid_on_the_other_through_keys_in_postgres()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("front_keys");
        await using var a = await TestHost.Builder().OnDatabase(cs).Output(output).StartAsync();
        await using var b = await TestHost.Builder().OnDatabase(cs).Output(output).StartAsync();
        await a.Get<UserStore>().CreateAsync("ops@test.local", "Ops", ConsoleRoles.Operator, Password, DateTimeOffset.UtcNow, default);

        var cookies = new CookieContainer();
        using var onA = Client(a.BaseAddress, cookies);
        var signIn = await onA.PostAsync("console/login", Form(ConsoleFixture.Token(await onA.GetStringAsync("console/login"))));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("console/chips")).StatusCode);

        // Same browser, the other node (both listen on 127.0.0.1: cookies are per host, not per port).
        using var onB = Client(b.BaseAddress, cookies);
        var page = await onB.GetAsync("console/chips");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // A form rendered by node B posts to node A: the antiforgery token is signed with the shared keys too.
        var signOut = await onA.PostAsync("console/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        { ["__RequestVerificationToken"] = ConsoleFixture.Token(await page.Content.ReadAsStringAsync()) }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        await using var db = NpgsqlDataSource.Create(cs);
        Assert.True(await Sql.Scalar<long>(db, "SELECT count(*) FROM console_keys") >= 1);
    }

    static FormUrlEncodedContent Form(string token) => new(new Dictionary<string, string>
    { ["Email"] = "ops@test.local", ["Password"] = Password, ["__RequestVerificationToken"] = token });

    static async Task<HttpClient> SignedIn(Uri baseAddress)
    {
        var http = Client(baseAddress);
        var signIn = await http.PostAsync("console/login", Form(ConsoleFixture.Token(await http.GetStringAsync("console/login"))));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return http;
    }

    static void AssertCommon(HttpResponseMessage r)
    {
        Assert.Equal("nosniff", Header(r, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(r, "Referrer-Policy"));
    }

    static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "";
}
