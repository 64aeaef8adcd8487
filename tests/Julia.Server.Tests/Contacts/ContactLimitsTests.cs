using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Julia.Client;
using Julia.Grains.Conversations;
using Julia.Server.Tests.Infrastructure;
using Orleans.Core.Internal;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Contacts;

/// <summary>
/// The per-contact daily limit and the configurable frequency cap, end to end against PostgreSQL, and the
/// operator overrides that may lift them (and nothing else). The class has its own service, so the pool
/// configuration each test sets is its own; every test sets the clock it needs.
/// </summary>
public class ContactLimitsTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);
    static readonly TimeSpan SaoPaulo = TimeSpan.FromHours(-3);
    static readonly DateTimeOffset TuesdayTen = new(2026, 11, 24, 10, 0, 0, SaoPaulo);

    public Task InitializeAsync() => f.FreshPoolAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<string> TrySelect(string contact, string kind)
    {
        try { await f.AgentApi.SelectAsync(contact, kind); return "granted"; }
        catch (JuliaApiException e) { return e.Code; }
    }

    /// <summary>The fixture's pacing settings plus the contact limits and window asked for.</summary>
    Task Config(object contacts, object? window = null) => f.Operator.PutPoolConfigAsync(new
    {
        caps = new { minGapScale = 0.0, operating = new { perHour = 10_000, perDay = 100_000 } },
        contacts,
        window,
    });

    async Task<HttpResponseMessage> Override(string contact, object body, JuliaClient? as_ = null) =>
        await (as_ ?? f.Operator).Http.PostAsJsonAsync($"v1/contacts/{Uri.EscapeDataString(contact)}/overrides", body);

    static async Task<string?> Code(HttpResponseMessage res) =>
        JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;

    [Fact]
    public async Task The_fourth_business_message_of_the_day_is_refused_and_an_override_lets_one_through_with_its_reason_recorded()
    {
        f.Clock.Freeze(TuesdayTen);
        await Config(new { frequencyCap = 10 }); // the daily limit alone
        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        for (int i = 0; i < 3; i++) Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("granted", await TrySelect(doctor, "reply")); // replies are not limited
        var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "followup"));
        Assert.Equal("contact_daily_limit", refused.Code);
        Assert.Equal(409, refused.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, SaoPaulo), refused.Problem.GetProperty("retryAt").GetDateTimeOffset());

        var made = await Override(doctor, new { rule = "contact_daily_limit", reason = "doctor asked for the shift details today", count = 1 });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var o = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement;
        var id = o.GetProperty("id").GetInt64();
        // By default it ends with the São Paulo day.
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, SaoPaulo), o.GetProperty("until").GetDateTimeOffset());

        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup")); // one message only

        Assert.Equal(id, await f.Scalar<long>("""
            SELECT (excluded ->> 'override:contact_daily_limit')::bigint FROM selections
            WHERE contact = @c AND chip_id IS NOT NULL ORDER BY id DESC LIMIT 1
            """, ("c", doctor)));
        Assert.Equal("doctor asked for the shift details today", await f.Scalar<string>(
            "SELECT reason FROM operations WHERE action = 'contact_override' AND contact = @c AND actor LIKE 'key:%'", ("c", doctor)));
        var listed = await f.Operator.Http.GetFromJsonAsync<JsonElement>($"v1/contacts/{Uri.EscapeDataString(doctor)}/overrides");
        Assert.Equal(1, listed[0].GetProperty("used").GetInt32());
        Assert.False(listed[0].GetProperty("inForce").GetBoolean());
    }

    [Fact]
    public async Task The_day_turns_at_03_00_UTC()
    {
        // A window open around midnight (to 23:59, end exclusive), so the São Paulo day boundary is what decides.
        await Config(new { frequencyCap = 10 }, new { start = "00:00:00", end = "23:59:00", days = new[] { 0, 1, 2, 3, 4, 5, 6 } });
        f.Clock.Freeze(DateTimeOffset.Parse("2026-11-24T02:57:00Z")); // Monday 23:57 in São Paulo
        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal("granted", await TrySelect(doctor, "prospecting"));
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        f.Clock.Freeze(DateTimeOffset.Parse("2026-11-24T02:58:59Z")); // 23:58:59, the window's last minute
        var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "followup"));
        Assert.Equal("contact_daily_limit", refused.Code);
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T03:00:00Z"), refused.Problem.GetProperty("retryAt").GetDateTimeOffset());
        f.Clock.Freeze(DateTimeOffset.Parse("2026-11-24T03:00:00Z"));
        Assert.Equal("granted", await TrySelect(doctor, "prospecting"));
        // The clock jumps back a minute: yesterday's three count for yesterday, today's two for today.
        f.Clock.Freeze(DateTimeOffset.Parse("2026-11-24T02:58:00Z"));
        Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup"));
        f.Clock.Freeze(DateTimeOffset.Parse("2026-11-24T03:01:00Z"));
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup"));
    }

    [Fact]
    public async Task The_kinds_of_today_s_messages_survive_the_grain_s_reactivation()
    {
        f.Clock.Freeze(TuesdayTen.AddHours(1));
        await Config(new { frequencyCap = 10 });
        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal("granted", await TrySelect(doctor, "prospecting")); // counts 2 of 3

        var database = await f.Scalar<string>("SELECT current_database()");
        var loads = new ConcurrentQueue<string>();
        using (QueryWatch.On(database, text => { if (text.Contains("business_kinds")) loads.Enqueue(text); }))
        {
            var grain = f.Host.Get<IGrainFactory>().GetGrain<IConversationGrain>(doctor);
            await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            // Read back as a prospecting message (were it a follow-up, 1 + 1 + 1 would pass twice).
            Assert.Equal("granted", await TrySelect(doctor, "followup"));
            Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup"));
        }
        Assert.Single(loads); // the new activation read the contact once
    }

    [Fact]
    public async Task A_frequency_cap_configured_to_three_allows_the_third()
    {
        f.Clock.Freeze(TuesdayTen.AddHours(2));
        await Config(new { frequencyCap = 3 });
        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        for (int i = 0; i < 3; i++) Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("contact_frequency_cap", await TrySelect(doctor, "followup"));

        // An override of the cap does not lift the daily limit behind it.
        Assert.Equal(HttpStatusCode.Created, (await Override(doctor, new { rule = "contact_frequency_cap", reason = "congress week" })).StatusCode);
        Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup"));
    }

    [Fact]
    public async Task Overriding_consent_the_law_the_gate_or_the_window_is_refused_and_bad_input_is_named()
    {
        f.Clock.Freeze(TuesdayTen.AddHours(3));
        var doctor = await f.ContactWithBasisAsync();
        foreach (var rule in new[] { "contact_opted_out", "no_lawful_basis", "prospecting_paused", "outside_sending_window" })
        {
            var res = await Override(doctor, new { rule, reason = "the doctor said it is fine" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, res.StatusCode);
            Assert.Equal("override_not_allowed", await Code(res));
        }
        Assert.Equal("unknown_rule", await Code(await Override(doctor, new { rule = "spam_filter", reason = "x" })));
        Assert.Equal("reason_required", await Code(await Override(doctor, new { rule = "contact_daily_limit", reason = " " })));
        Assert.Equal("invalid_until", await Code(await Override(doctor, new { rule = "contact_daily_limit", reason = "x", until = TuesdayTen.AddHours(2) })));
        Assert.Equal("invalid_phone", await Code(await Override("not-a-phone", new { rule = "contact_daily_limit", reason = "x" })));
        Assert.Equal(HttpStatusCode.Forbidden, (await Override(doctor, new { rule = "contact_daily_limit", reason = "x" }, f.AgentApi)).StatusCode);
        Assert.Equal(0L, await f.Scalar<long>("SELECT count(*) FROM contact_overrides WHERE contact = @c", ("c", doctor)));

        var bad = await f.Operator.Http.PutAsJsonAsync("v1/pool/config", new { contacts = new { frequencyDays = 31 } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("contacts.frequencyDays", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_revoked_override_stops_lifting_the_limit_at_once()
    {
        f.Clock.Freeze(TuesdayTen.AddHours(4));
        await Config(new { frequencyCap = 10 });
        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        for (int i = 0; i < 3; i++) Assert.Equal("granted", await TrySelect(doctor, "followup"));
        var made = await Override(doctor, new { rule = "contact_daily_limit", reason = "urgent shift", until = TuesdayTen.AddDays(2) });
        var id = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("granted", await TrySelect(doctor, "followup"));

        var path = $"v1/contacts/{Uri.EscapeDataString(doctor)}/overrides/{id}/revoke";
        Assert.Equal("reason_required", await Code(await f.Operator.Http.PostAsJsonAsync(path, new { reason = "" })));
        Assert.Equal(HttpStatusCode.OK, (await f.Operator.Http.PostAsJsonAsync(path, new { reason = "shift filled" })).StatusCode);
        Assert.Equal("contact_daily_limit", await TrySelect(doctor, "followup"));
        Assert.Equal("override_ended", await Code(await f.Operator.Http.PostAsJsonAsync(path, new { reason = "again" })));
        Assert.Equal(HttpStatusCode.NotFound, (await f.Operator.Http.PostAsJsonAsync(
            $"v1/contacts/{Uri.EscapeDataString(doctor)}/overrides/{id + 1000}/revoke", new { reason = "x" })).StatusCode);
        Assert.Equal("shift filled", await f.Scalar<string>(
            "SELECT reason FROM operations WHERE action = 'contact_override_revoked' AND contact = @c", ("c", doctor)));
    }
}
