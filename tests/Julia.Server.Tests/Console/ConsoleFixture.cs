using System.Net;
using System.Text.RegularExpressions;
using Julia.Server.ConsoleWeb;
using Julia.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Julia.Server.Tests.Console;

/// <summary>
/// A real service on its own database (<see cref="ServiceFixture"/>), console users of every role, and Debian's
/// chromium driven by Playwright (it cannot download its own browsers here). Screenshots go to tests/artifacts/screenshots.
/// </summary>
public sealed partial class ConsoleFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string Password = "senha-de-teste-123";
    public const string Admin = "admin@test.local", Operator = "operador@test.local", Viewer = "leitura@test.local", Locked = "bloqueio@test.local";

    public ServiceFixture Service { get; } = new();
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(RepoRoot(), "tests", "artifacts", "screenshots");
    public Uri Base => Service.Host.BaseAddress;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: run test.sh (it installs Debian's chromium) or apt-get install -y chromium");
        await Service.InitializeAsync();
        var users = Service.Host.Get<UserStore>();
        var now = Service.Clock.GetUtcNow();
        await users.CreateAsync(Admin, "Ana Admin", ConsoleRoles.Admin, Password, now, default);
        await users.CreateAsync(Operator, "Otávio Operador", ConsoleRoles.Operator, Password, now, default);
        await users.CreateAsync(Viewer, "Vera Leitura", ConsoleRoles.Viewer, Password, now, default);
        await users.CreateAsync(Locked, "Bruno Bloqueio", ConsoleRoles.Operator, Password, now, default);
        Directory.CreateDirectory(Screenshots);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await Service.DisposeAsync();
    }

    readonly List<IBrowserContext> _contexts = [];

    /// <summary>A browser context of its own (its own cookies), closed by <see cref="CloseContextsAsync"/> after the test.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Base.ToString(), ViewportSize = new() { Width = width, Height = height }, Locale = "pt-BR" });
        lock (_contexts) _contexts.Add(context);
        var page = await context.NewPageAsync();
        // What the browser asked for and got, in the test's output: a page that times out shows which request it waited on.
        var log = Service.Host.Log;
        page.Request += (_, r) => log.Note($"browser → {r.Method} {r.Url}");
        page.Response += (_, r) => log.Note($"browser ← {r.Status} {r.Url}");
        page.RequestFailed += (_, r) => log.Note($"browser ✗ {r.Url}: {r.Failure}");
        // Two busy cores running the whole suite: pages (the dashboard's scripts above all) may take longer than 30 s to load.
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
        return page;
    }

    /// <summary>
    /// Closes the test's pages: an open page keeps polling (the console's live refresh every 10 s, the dashboard's
    /// every second) and would load the service, and the two cores, for the rest of the run.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (_contexts) { open = [.. _contexts]; _contexts.Clear(); }
        foreach (var context in open) await context.CloseAsync();
    }

    /// <summary>A fresh browser (its own cookies) signed in as <paramref name="email"/>, on the pool page.</summary>
    public async Task<IPage> SignedInAsync(string email, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/console/login");
        await page.FillAsync("input[name=Email]", email);
        await page.FillAsync("input[name=Password]", Password);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/console", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"signing in as {email} ended on {page.Url}: {await page.Locator("body").InnerTextAsync()}", e);
        }
        return page;
    }

    public Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>An HTTP client with its own cookies, signed in through the login form (token and all), not following redirects.</summary>
    public async Task<HttpClient> CookieClientAsync(string email)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Base };
        var token = Token(await http.GetStringAsync("console/login"));
        var signIn = await http.PostAsync("console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = Password,
            ["__RequestVerificationToken"] = token,
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {signIn.StatusCode}");
        return http;
    }

    /// <summary>The antiforgery token of the first form on a page (the layout's sign-out form carries one on every page).</summary>
    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Julia.Grains.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
