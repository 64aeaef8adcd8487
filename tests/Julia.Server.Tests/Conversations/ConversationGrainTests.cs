using System.Collections.Concurrent;
using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Conversations;

/// <summary>
/// The contact's grain: selections for one doctor run one at a time on its state, every change to that
/// state comes through it, and a warm selection reads nothing from PostgreSQL.
/// </summary>
public class ConversationGrainTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>, IAsyncLifetime
{
    readonly bool _logged = f.Attach(output);

    public Task InitializeAsync() => f.FreshPoolAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<string> TrySelect(string contact, string kind)
    {
        try { await f.AgentApi.SelectAsync(contact, kind); return "granted"; }
        catch (JuliaApiException e) { return e.Code; }
    }

    [Fact]
    public async Task Twelve_concurrent_follow_ups_for_one_doctor_pass_the_frequency_cap_twice_only()
    {
        for (int i = 0; i < 4; i++) await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();

        // Read separately, each would see 0 or 1 earlier messages and pass; the grain answers them in turn.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => TrySelect(doctor, "followup")));
        Assert.Equal(2, answers.Count(a => a == "granted"));
        Assert.Equal(10, answers.Count(a => a == "contact_frequency_cap"));
        Assert.Equal(2L, await f.Scalar<long>("SELECT count(*) FROM selections WHERE contact = @c AND chip_id IS NOT NULL", ("c", doctor)));
        Assert.Equal(10L, await f.Scalar<long>("SELECT count(*) FROM selections WHERE contact = @c AND code = 'contact_frequency_cap'", ("c", doctor)));
    }

    [Fact]
    public async Task What_the_doctor_writes_reaches_a_warm_grain_a_reply_restarts_the_cap_and_a_stop_word_stops_everything()
    {
        var chip = await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("contact_frequency_cap", await TrySelect(doctor, "followup")); // the grain is warm, with the cap reached

        f.Sim.Inbound(chip.Instance, doctor, "Oi, pode falar");
        await Eventually.True(async () => (await f.AgentApi.GetContactAsync(doctor)).LastInboundAt is not null, what: "the inbound message");
        Assert.Equal("granted", await TrySelect(doctor, "followup"));

        f.Sim.Inbound(chip.Instance, doctor, "PARE");
        await Eventually.True(async () => (await f.AgentApi.GetContactAsync(doctor)).OptedOut, what: "the opt-out");
        Assert.Equal("contact_opted_out", await TrySelect(doctor, "followup"));
        await f.Operator.OptInAsync(doctor, "doctor asked by phone to hear from us again");
        // Three business messages went today, the daily limit; the opt-in is seen the next day.
        f.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("granted", await TrySelect(doctor, "followup")); // back; their stop word was their last word, so the cap restarted
    }

    [Fact]
    public async Task An_opt_out_through_the_api_binds_the_next_selection_and_a_lawful_basis_enables_prospecting()
    {
        await f.ChipAsync(trust: 95);
        var doctor = f.NewContact();
        Assert.Equal("no_lawful_basis", await TrySelect(doctor, "prospecting")); // warm, without a basis
        await f.AgentApi.PutContactAsync(doctor, "consent", "form on the website", "Dra. Teste");
        Assert.Equal("granted", await TrySelect(doctor, "prospecting"));
        await f.AgentApi.OptOutAsync(doctor, "email to support");
        Assert.Equal("contact_opted_out", await TrySelect(doctor, "followup"));
    }

    [Fact]
    public async Task A_warm_selection_reads_nothing_from_the_database()
    {
        var database = await f.Scalar<string>("SELECT current_database()");
        var loads = new ConcurrentQueue<string>();
        // Reads about the contact (the charge that records a grant is a write, and is expected).
        using var watch = QueryWatch.On(database, text =>
        {
            if (text.StartsWith("SELECT") && (text.Contains("contacts") || text.Contains("conversations") || text.Contains("selections"))) loads.Enqueue(text);
        });

        await f.ChipAsync(trust: 95);
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal("granted", await TrySelect(doctor, "prospecting"));
        Assert.Single(loads, q => q.Contains("business_sent")); // the cold call read the contact once

        loads.Clear();
        Assert.Equal("granted", await TrySelect(doctor, "reply"));
        Assert.Equal("granted", await TrySelect(doctor, "followup"));
        Assert.Equal("contact_frequency_cap", await TrySelect(doctor, "followup"));
        Assert.Empty(loads);
    }
}
