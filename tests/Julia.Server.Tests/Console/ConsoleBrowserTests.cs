using System.Net;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Console;

/// <summary>The console as a person uses it, in a real browser, against a real service; each action checked through the API.</summary>
[Trait("Category", "Browser")]
public class ConsoleBrowserTests(ConsoleFixture f, ITestOutputHelper output) : IClassFixture<ConsoleFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Service.Attach(output);
    ServiceFixture S => f.Service;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => f.CloseContextsAsync();

    [Fact]
    public async Task Sign_in_shows_the_pool_with_the_same_counts_as_the_API()
    {
        await S.ChipAsync("active");
        await S.ChipAsync("ready");
        await S.ChipAsync("paused");
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        string[] statuses = ["provisioned", "pending", "rampup", "ready", "active", "degraded", "paused", "retired"];
        // The pool's minute cycle may move a chip between the two reads; compare a page drawn between two equal API answers.
        for (int attempt = 0; ; attempt++)
        {
            var pool = await S.Operator.GetPoolAsync();
            await page.ReloadAsync();
            var shown = new List<string>();
            foreach (var status in statuses) shown.Add(await page.Locator($"[data-status={status}]").InnerTextAsync());
            var total = await page.Locator("[data-test=total]").InnerTextAsync();
            var again = await S.Operator.GetPoolAsync();
            if (attempt < 3 && statuses.Any(st => pool.Chips.GetValueOrDefault(st) != again.Chips.GetValueOrDefault(st))) continue;
            Assert.Equal(statuses.Select(st => pool.Chips.GetValueOrDefault(st).ToString()), shown);
            Assert.Equal(pool.Total.ToString(), total);
            Assert.Equal(pool.Health, await page.Locator("[data-test=health]").GetAttributeAsync("data-health"));
            break;
        }
        Assert.Contains("Otávio Operador", await page.Locator("header").InnerTextAsync());
        await f.ShotAsync(page, "pool");
    }

    [Fact]
    public async Task Pausing_a_chip_from_its_page_pauses_it_through_the_grain_and_logs_the_reason()
    {
        var id = await S.ChipAsync("active");
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync($"/console/chips/{id}");
        await page.FillAsync("input[name=reason]", "número com muitas falhas");
        await page.ClickAsync("button[value=pause]");
        await page.Locator(".flash.ok").WaitForAsync();
        Assert.Equal("pausado", await page.Locator("[data-test=status]").InnerTextAsync());

        Assert.Equal("paused", (await S.Operator.GetChipAsync(id)).Status);
        var ops = await S.Operator.ListOperationsAsync(id);
        Assert.Contains(ops, o => o.Reason == "número com muitas falhas" && o.Actor == "user:" + ConsoleFixture.Operator && o.ToStatus == "paused");

        // The same rule and code as the API: a second pause is refused, and the page says why.
        await page.FillAsync("input[name=reason]", "de novo");
        await page.ClickAsync("button[value=pause]");
        Assert.StartsWith("invalid_transition:", await page.Locator(".flash.error").InnerTextAsync());
        await f.ShotAsync(page, "chip");
    }

    [Fact]
    public async Task Resuming_the_gate_from_the_pool_page_needs_a_reason_and_reaches_the_API()
    {
        await S.Operator.PauseProspectingAsync("sinal de spam no chip 3");
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        Assert.Contains("pausada", await page.Locator("[data-test=gate]").InnerTextAsync());
        await f.ShotAsync(page, "pool-gate-tripped");
        await page.FillAsync("form.action input[name=reason]", "conferido com o time; chip 3 pausado");
        await page.ClickAsync("form.action button");
        await page.Locator(".flash.ok").WaitForAsync();
        var gate = (await S.Operator.GetPoolAsync()).Gate;
        Assert.False(gate.Tripped);
        Assert.Equal("conferido com o time; chip 3 pausado", gate.ResumedReason);
        Assert.Equal("user:" + ConsoleFixture.Operator, gate.ResumedBy);
    }

    [Fact]
    public async Task Replaying_a_dead_letter_puts_it_back_in_the_queue()
    {
        var now = S.Clock.GetUtcNow();
        var id = await S.Scalar<long>("""
            INSERT INTO inbox (dedupe_key, source, event, payload, received_at, status, attempts, next_attempt_at, error)
            VALUES ('console-dead-' || gen_random_uuid(), 'evolution', 'messages.upsert', '{"apikey":"segredo-do-token"}', @now, 'dead', 8, @now, 'falha de teste')
            RETURNING id
            """, ("now", now));
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync("/console/falhas");
        Assert.DoesNotContain("segredo-do-token", await page.ContentAsync()); // payloads carry the instance token
        await f.ShotAsync(page, "dead-letters");
        await page.Locator($"tr[data-event='{id}'] button").ClickAsync();
        Assert.Contains($"Evento {id}", await page.Locator(".flash.ok").InnerTextAsync());
        Assert.NotEqual("dead", await S.Scalar<string>("SELECT status FROM inbox WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_viewer_sees_no_actions_and_a_forged_post_is_forbidden()
    {
        var id = await S.ChipAsync("active");
        var page = await f.SignedInAsync(ConsoleFixture.Viewer);
        Assert.Equal(0, await page.Locator("main form[method=post]").CountAsync());
        await page.GotoAsync($"/console/chips/{id}");
        Assert.Equal(0, await page.Locator("main form[method=post]").CountAsync());
        Assert.Equal(0, await page.Locator("button[value=pause]").CountAsync());
        await f.ShotAsync(page, "chip-viewer");

        // A viewer who builds the form by hand, with a valid antiforgery token, is refused by the server.
        using var viewer = await f.CookieClientAsync(ConsoleFixture.Viewer);
        var token = ConsoleFixture.Token(await viewer.GetStringAsync($"console/chips/{id}"));
        var forged = await viewer.PostAsync($"console/chips/{id}?handler=Act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["action"] = "pause",
            ["reason"] = "forjado",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var gateForged = await viewer.PostAsync("console?handler=Pause", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["reason"] = "forjado",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, gateForged.StatusCode);
        Assert.Equal("active", (await S.Operator.GetChipAsync(id)).Status);
        Assert.False((await S.Operator.GetPoolAsync()).Gate.Tripped);
        // Settings are the admin's, even to read.
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("console/configuracoes")).StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused()
    {
        var id = await S.ChipAsync("active");
        using var op = await f.CookieClientAsync(ConsoleFixture.Operator);
        var post = await op.PostAsync($"console/chips/{id}?handler=Act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "pause",
            ["reason"] = "sem token",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("active", (await S.Operator.GetChipAsync(id)).Status);
    }

    [Fact]
    public async Task The_console_and_the_cluster_view_need_sign_in_and_the_cluster_needs_an_admin()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = f.Base };
        foreach (var path in new[] { "console", "console/chips", "console/cluster/" })
        {
            var r = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/console/login", r.Headers.Location!.PathAndQuery);
        }
        // The API does not take the console's cookie, and the console does not take an API key.
        using var op = await f.CookieClientAsync(ConsoleFixture.Operator);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("console/cluster/")).StatusCode);
        using var keyed = S.Host.Http(S.AdminKey);
        Assert.NotEqual(HttpStatusCode.OK, (await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = f.Base,
            DefaultRequestHeaders = { Authorization = new("Bearer", S.AdminKey) }
        }.GetAsync("console")).StatusCode);

        // The console is not part of the API's description.
        var openapi = await S.Host.Http().GetStringAsync("openapi/v1.json");
        Assert.DoesNotContain("/console", openapi);

        var page = await f.SignedInAsync(ConsoleFixture.Admin);
        var cluster = await page.GotoAsync("/console/cluster/");
        Assert.Equal(200, cluster!.Status);
        await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.Load); // the dashboard's scripts, before the screenshot
        await f.ShotAsync(page, "cluster");
    }

    [Fact]
    public async Task A_doctors_name_with_script_is_shown_as_text()
    {
        var phone = await S.ContactAsync();
        const string name = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">Dra. Ana";
        await S.Exec("UPDATE contacts SET name = @name WHERE phone = @phone", ("name", name), ("phone", phone));
        var page = await f.SignedInAsync(ConsoleFixture.Admin);
        await page.GotoAsync($"/console/conversas?phone={Uri.EscapeDataString(phone)}");
        Assert.Equal(name, await page.Locator("[data-test=contact-name]").InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(phone, await page.Locator("[data-test=contact-phone]").InnerTextAsync()); // an admin sees the full number
        await f.ShotAsync(page, "conversation");

        var viewer = await f.SignedInAsync(ConsoleFixture.Viewer);
        await viewer.GotoAsync($"/console/conversas?phone={Uri.EscapeDataString(phone)}");
        var masked = await viewer.Locator("[data-test=contact-phone]").InnerTextAsync();
        Assert.Contains("****", masked);
        Assert.DoesNotContain(phone, await viewer.Locator("main").InnerTextAsync()); // only in the search box the viewer typed it into
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        var page = await f.NewPageAsync();
        async Task<string> TryAsync(string password)
        {
            await page.GotoAsync("/console/login");
            await page.FillAsync("input[name=Email]", ConsoleFixture.Locked);
            await page.FillAsync("input[name=Password]", password);
            await page.ClickAsync("button[type=submit]");
            // The answer is rendered by the server: its DOM is what is read (as the fixture's sign-in waits). Waiting for
            // the load event as well once hung for 90 s on a loaded machine after every resource had been served.
            await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.DOMContentLoaded);
            return new Uri(page.Url).AbsolutePath == "/console" ? "in" : await page.Locator(".flash.error").InnerTextAsync();
        }
        for (int i = 0; i < 4; i++) Assert.Contains("incorretos", await TryAsync("errada-" + i));
        Assert.Contains("bloqueada", await TryAsync("errada-5"));
        Assert.Contains("bloqueada", await TryAsync(ConsoleFixture.Password)); // the right password does not open a locked account
        await f.ShotAsync(page, "login-locked");

        S.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Equal("in", await TryAsync(ConsoleFixture.Password));
    }

    [Fact]
    public async Task Every_page_renders_for_an_admin_and_on_a_phone()
    {
        var chip = await S.ChipAsync("active");
        var pending = await S.ChipAsync("pending", connected: false);
        var rampup = await S.ChipAsync("rampup", trust: 50, stage: 2);
        await S.Exec("UPDATE chips SET rampup_started_at = @at WHERE id = @id", ("at", S.Clock.GetUtcNow().AddDays(-4)), ("id", rampup));
        var phone = await S.ContactAsync();
        // A day of sends, most delivered, so the pool page's charts have something to draw in the screenshots.
        await S.Exec("""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, chip_id, next_attempt_at, expires_at, created_at, updated_at, sent_at, delivered_at)
            SELECT 'chart-' || gen_random_uuid(), @phone, 'followup', 'gráfico', 'sent', @chip, t, t + interval '1 day', t, t, t, CASE WHEN i % 5 <> 0 THEN t + interval '2 minutes' END
            FROM generate_series(1, 120) AS i, LATERAL (SELECT @now - (i % 22) * interval '1 hour' - (i % 7) * interval '5 minutes' AS t) x
            """, ("phone", phone), ("chip", chip), ("now", S.Clock.GetUtcNow()));
        S.Clock.Advance(TimeSpan.FromMinutes(2)); // past the pool page's one-minute cache of the 24 h figures
        var page = await f.SignedInAsync(ConsoleFixture.Admin);
        Assert.Equal("120", await page.Locator("figure.chart:has(svg[aria-label='Envios (24 h)']) figcaption strong").InnerTextAsync());
        var pages = new (string Name, string Path)[]
        {
            ("admin-pool", "/console"), ("chips", "/console/chips"), ("chips-active", "/console/chips?status=active&sort=trust&desc=true"),
            ("admin-chip", $"/console/chips/{chip}"), ("chip-pending", $"/console/chips/{pending}"), ("chip-rampup", $"/console/chips/{rampup}"),
            ("conversation-empty", $"/console/conversas?phone={Uri.EscapeDataString(phone)}"), ("queue", "/console/fila"),
            ("alerts", "/console/alertas?all=true"), ("selections", "/console/selecoes"), ("operations", "/console/operacoes"),
            ("settings", "/console/configuracoes"), ("templates", "/console/modelos"),
        };
        foreach (var (name, path) in pages)
        {
            var response = await page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path} answered {response.Status}");
            Assert.DoesNotContain("tok-test-", await page.ContentAsync()); // no instance token on any page
            Assert.DoesNotContain("sec-test-", await page.ContentAsync()); // nor a webhook secret
            await f.ShotAsync(page, name);
        }
        await page.GotoAsync($"/console/chips/{rampup}");
        Assert.Equal("chegar ao dia 7 (está no dia 4)", await page.Locator("[data-test=rampup-needs]").InnerTextAsync()); // R2 is left on day 7
        var mobile = await f.SignedInAsync(ConsoleFixture.Operator, 390, 844);
        await f.ShotAsync(mobile, "phone-pool");
        await mobile.GotoAsync($"/console/chips/{chip}");
        await f.ShotAsync(mobile, "phone-chip");
    }

    [Fact]
    public async Task Settings_need_a_reason_and_keep_the_APIs_validation()
    {
        var page = await f.SignedInAsync(ConsoleFixture.Admin);
        await page.GotoAsync("/console/configuracoes");
        var json = await page.InputValueAsync("textarea[name=Config]");
        await page.FillAsync("textarea[name=Config]", json.Replace("\"frequencyCap\": 2", "\"frequencyCap\": 0"));
        await page.FillAsync("input[name=Reason]", "teste de limite");
        await page.ClickAsync("form button[type=submit] >> text=Salvar");
        Assert.StartsWith("invalid_config:", await page.Locator(".flash.error").InnerTextAsync());

        await page.FillAsync("textarea[name=Config]", json.Replace("\"frequencyCap\": 2", "\"frequencyCap\": 3"));
        await page.FillAsync("input[name=Reason]", "mais um contato por semana");
        await page.ClickAsync("form button[type=submit] >> text=Salvar");
        await page.Locator(".flash.ok").WaitForAsync();
        var pool = await S.Operator.GetPoolAsync();
        Assert.Equal(3, pool.Config.GetProperty("contacts").GetProperty("frequencyCap").GetInt32());
        Assert.Contains(await S.Operator.ListOperationsAsync(), o => o.Action == "pool_config_reason" && o.Reason == "mais um contato por semana");
    }

    [Fact]
    public async Task Opt_out_and_opt_in_from_the_conversation_page_go_through_the_contacts_grain()
    {
        var phone = await S.ContactAsync();
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync($"/console/conversas?phone={Uri.EscapeDataString(phone)}");
        await page.ClickAsync("form[action*='OptOut'] button"); // no reason: the browser asks for one
        Assert.False((await S.Operator.GetContactAsync(phone)).OptedOut);
        await page.FillAsync("form[action*='OptOut'] input[name=reason]", "pediu por telefone");
        await page.ClickAsync("form[action*='OptOut'] button");
        await page.Locator(".flash.ok").WaitForAsync();
        var contact = await S.Operator.GetContactAsync(phone);
        Assert.True(contact.OptedOut);
        Assert.Equal("console", contact.OptedOutSource);

        await page.FillAsync("form[action*='OptIn'] input[name=reason]", "voltou a aceitar contato por escrito");
        await page.ClickAsync("form.action button >> text=Recadastrar");
        await page.Locator(".flash.ok").WaitForAsync();
        Assert.False((await S.Operator.GetContactAsync(phone)).OptedOut);

        // An override of the daily limit, through the contact's grain with the API's rules.
        await page.SelectOptionAsync("form[action*='Override'] select[name=rule]", "contact_daily_limit");
        await page.FillAsync("form[action*='Override'] input[name=count]", "1");
        await page.FillAsync("form[action*='Override'] input[name=reason]", "retorno combinado com a doutora");
        await page.ClickAsync("form[action*='Override'] button");
        Assert.Equal("Exceção registrada.", await page.Locator(".flash.ok").InnerTextAsync());
        Assert.Contains(await S.Operator.ListOperationsAsync(), o => o.Action == "contact_override" && o.Reason == "retorno combinado com a doutora");
        await f.ShotAsync(page, "conversation-override");

        // A blank reason that slips past the browser gets the API's code.
        using var op = await f.CookieClientAsync(ConsoleFixture.Operator);
        var token = ConsoleFixture.Token(await op.GetStringAsync($"console/conversas?phone={Uri.EscapeDataString(phone)}"));
        var blank = await op.PostAsync($"console/conversas?handler=OptOut&phone={Uri.EscapeDataString(phone)}", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["reason"] = "  " }));
        Assert.Equal(HttpStatusCode.Redirect, blank.StatusCode);
        Assert.Contains("reason_required", await op.GetStringAsync(blank.Headers.Location!.ToString().TrimStart('/')));
        Assert.False((await S.Operator.GetContactAsync(phone)).OptedOut);
    }

    [Fact]
    public async Task Cancelling_a_queued_message_from_the_queue_page()
    {
        var phone = await S.ContactAsync();
        var (message, _) = await S.Agent.SendMessageAsync(phone, "followup", "Oi, doutora! <b>teste</b>", "console-cancel-" + Guid.NewGuid(),
            notBefore: S.Clock.GetUtcNow().AddHours(2));
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync("/console/fila");
        await f.ShotAsync(page, "queue-waiting");
        await page.Locator($"form[action*='id={message.MessageId}'] button, form[action$='/{message.MessageId}'] button").First.ClickAsync();
        Assert.Contains($"Mensagem {message.MessageId} cancelada", await page.Locator(".flash.ok").InnerTextAsync());
        Assert.Equal("cancelled", (await S.Agent.GetMessageAsync(message.MessageId)).Status);
    }

    [Fact]
    public async Task Resolving_an_alert_from_the_alerts_page()
    {
        var id = await S.Scalar<long>("""
            INSERT INTO alerts (at, kind, severity, subject, message, last_seen_at)
            VALUES (@now, 'console_test', 'warning', 'console:test', 'Alerta de teste <i>do console</i>', @now) RETURNING id
            """, ("now", S.Clock.GetUtcNow()));
        var page = await f.SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync("/console/alertas");
        Assert.Contains("Alerta de teste <i>do console</i>", await page.Locator("main").InnerTextAsync());
        await f.ShotAsync(page, "alerts-open");
        await page.Locator($"form[action*='{id}'] button").ClickAsync();
        Assert.Contains($"Alerta {id} resolvido", await page.Locator(".flash.ok").InnerTextAsync());
        Assert.Equal("user:" + ConsoleFixture.Operator, await S.Scalar<string>("SELECT resolved_by FROM alerts WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task Create_user_saves_a_hashed_password_and_a_new_one_ends_the_old_sessions()
    {
        const string email = "nova@test.local";
        Assert.Equal(0, await Julia.Server.ConsoleWeb.ConsoleCli.CreateUserAsync(
            ["--email", email, "--name", "Nova Pessoa", "--role", "viewer", "--password", ConsoleFixture.Password, "--ConnectionStrings:Postgres", S.ConnectionString]));
        var hash = await S.Scalar<string>("SELECT password_hash FROM users WHERE email = @e", ("e", email));
        Assert.DoesNotContain(ConsoleFixture.Password, hash);
        using var session = await f.CookieClientAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("console")).StatusCode);

        Assert.Equal(2, await Julia.Server.ConsoleWeb.ConsoleCli.CreateUserAsync(["--email", email, "--name", "x", "--role", "root", "--password", ConsoleFixture.Password]));
        Assert.Equal(0, await Julia.Server.ConsoleWeb.ConsoleCli.CreateUserAsync(
            ["--email", email, "--name", "Nova Pessoa", "--role", "operator", "--password", "outra-senha-longa", "--ConnectionStrings:Postgres", S.ConnectionString]));
        var after = await session.GetAsync("console");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode); // the stamp changed: back to the login page
        Assert.StartsWith("/console/login", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_session_ends_after_eight_idle_hours()
    {
        using var session = await f.CookieClientAsync(ConsoleFixture.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("console/operacoes")).StatusCode);
        S.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        var r = await session.GetAsync("console/operacoes");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/console/login", r.Headers.Location!.PathAndQuery);
    }
}
