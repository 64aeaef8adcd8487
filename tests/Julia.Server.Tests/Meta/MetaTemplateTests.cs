using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Meta;

/// <summary>
/// Templates, marketing opt-out and the portfolio budget end to end on the Meta simulator: templates synced from the WABA and
/// listed; a paused template stops at once; "stop promotions" blocks a marketing template but not a utility one; the portfolio's
/// messaging limit holds a new doctor back.
/// </summary>
public class MetaTemplateTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    Task<Message> Final(long id, string what) =>
        Eventually.Until(() => f.AgentApi.GetMessageAsync(id), m => m.Status is "delivered" or "read" or "failed" or "blocked" or "expired", what: what);

    /// <summary>A Meta chip whose doctor wrote more than a day ago: anything business-initiated now needs a template.</summary>
    async Task<(SendingFixture.TestMetaChip Chip, string Doctor)> ClosedWindowAsync()
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], "Oi"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);
        f.Clock.Advance(TimeSpan.FromHours(25));
        return (chip, doctor);
    }

    async Task SyncAsync(string waba, int expected)
    {
        await f.Host.Get<Templates.TemplateSync>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(expected, await f.Scalar<long>("SELECT count(*) FROM meta_templates WHERE waba_id = @w", ("w", waba)));
    }

    [Fact]
    public async Task Templates_are_synced_page_by_page_and_listed_with_status_and_category()
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        for (int i = 0; i < 120; i++) f.MetaSim.AddTemplate(chip.Waba, $"modelo_{i:000}", i % 2 == 0 ? "MARKETING" : "UTILITY");
        f.MetaSim.AddTemplate(chip.Waba, "em_revisao", "UTILITY", status: "PENDING");
        await SyncAsync(chip.Waba, 121);

        var listed = await f.Operator.ListTemplatesAsync(chip.Waba);
        Assert.Equal(121, listed.Count);
        var pending = listed.Single(t => t.Name == "em_revisao");
        Assert.Equal(("PENDING", "UTILITY", false), (pending.Status, pending.Category, pending.Sendable));
        var first = listed.Single(t => t.Name == "modelo_000");
        Assert.Equal(("APPROVED", "MARKETING", true, 1), (first.Status, first.Category, first.Sendable, first.ParameterCount));
    }

    [Fact]
    public async Task A_paused_template_stops_at_once()
    {
        var (chip, doctor) = await ClosedWindowAsync();
        f.MetaSim.AddTemplate(chip.Waba, "convite_plantao", "MARKETING");
        await SyncAsync(chip.Waba, 1);
        Assert.Equal(200, await f.MetaSim.SetTemplateStatusAsync(chip.Waba, "convite_plantao", "PAUSED", title: "FIRST_PAUSE"));
        await Eventually.True(async () => await f.Scalar<string>("SELECT status FROM meta_templates WHERE waba_id = @w", ("w", chip.Waba)) == "PAUSED",
            what: "the pause applied");

        var (m, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Plantão sábado?", $"paused-{chip.Id}",
            template: new MessageTemplate("convite_plantao", "pt_BR", ["Dra. Ana"]));
        var blocked = await Final(m.MessageId, "the follow-up with a paused template");
        Assert.Equal(("blocked", "template_not_approved"), (blocked.Status, blocked.LastError));
        Assert.DoesNotContain(f.MetaSim.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);
    }

    [Fact]
    public async Task A_template_given_the_wrong_number_of_parameters_is_blocked_before_meta_would_refuse_it()
    {
        var (chip, doctor) = await ClosedWindowAsync();
        f.MetaSim.AddTemplate(chip.Waba, "convite_plantao", "MARKETING", body: "Olá {{1}}! Plantão {{2}}?");
        await SyncAsync(chip.Waba, 1);

        var (m, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Plantão sábado?", $"params-{chip.Id}",
            template: new MessageTemplate("convite_plantao", "pt_BR", ["Dra. Ana"]));
        var blocked = await Final(m.MessageId, "the follow-up with one parameter of two");
        Assert.Equal(("blocked", "template_parameters"), (blocked.Status, blocked.LastError));
        Assert.DoesNotContain(f.MetaSim.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);
        Assert.Equal(0, f.MetaSim.Answered(132000));
    }

    [Fact]
    public async Task Stop_promotions_blocks_a_marketing_template_but_not_a_utility_one()
    {
        var (chip, doctor) = await ClosedWindowAsync();
        f.MetaSim.AddTemplate(chip.Waba, "convite_plantao", "MARKETING");
        f.MetaSim.AddTemplate(chip.Waba, "confirmacao_escala", "UTILITY");
        await SyncAsync(chip.Waba, 2);
        Assert.Equal(200, await f.MetaSim.StopMarketingAsync(chip.PhoneNumberId, doctor[1..]));
        await Eventually.True(async () => await f.Scalar<bool>("SELECT marketing_opted_out_at IS NOT NULL FROM contacts WHERE phone = @p", ("p", doctor)),
            what: "the marketing opt-out");

        var (marketing, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Plantão sábado?", $"mkt-{chip.Id}",
            template: new MessageTemplate("convite_plantao", "pt_BR", ["Dra. Ana"]));
        var blocked = await Final(marketing.MessageId, "the marketing template");
        Assert.Equal(("blocked", "marketing_opted_out"), (blocked.Status, blocked.LastError));

        var (utility, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Sua escala foi confirmada.", $"util-{chip.Id}",
            template: new MessageTemplate("confirmacao_escala", "pt_BR", ["Dra. Ana"]));
        Assert.Equal("delivered", (await Final(utility.MessageId, "the utility template")).Status);
        // PARE/SAIR untouched: the contact is not opted out of everything.
        Assert.False(await f.Scalar<bool>("SELECT opted_out_at IS NOT NULL FROM contacts WHERE phone = @p", ("p", doctor)));

        // "Resume" lifts it.
        Assert.Equal(200, await f.MetaSim.StopMarketingAsync(chip.PhoneNumberId, doctor[1..], stop: false));
        await Eventually.True(async () => await f.Scalar<bool>("SELECT marketing_opted_out_at IS NULL FROM contacts WHERE phone = @p", ("p", doctor)),
            what: "the resume");
    }

    [Fact]
    public async Task The_portfolio_limit_holds_back_the_251st_new_doctor_at_tier_250()
    {
        var (chip, _) = await ClosedWindowAsync();
        f.MetaSim.AddTemplate(chip.Waba, "confirmacao_escala", "UTILITY");
        await SyncAsync(chip.Waba, 1);
        await Sql.Exec(f.Db, "UPDATE meta_chips SET messaging_limit = 'TIER_250' WHERE chip_id = @c", ("c", chip.Id));
        // 250 doctors already reached outside their window in the last 24 h, by this portfolio's numbers.
        await Sql.Exec(f.Db, """
            INSERT INTO meta_portfolio_reach (portfolio, contact, reached_at)
            SELECT @p, '+5521' || lpad(i::text, 9, '0'), @at FROM generate_series(1, 250) i
            """, ("p", chip.Portfolio), ("at", f.Clock.GetUtcNow().AddHours(-2)));

        var doctor = await f.ContactWithBasisAsync();
        var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "prospecting"));
        Assert.Equal("template_required", refused.Code); // no template: never sent outside the window
        var (m, _) = await f.AgentApi.SendMessageAsync(doctor, "prospecting", "Olá! Temos plantões.", $"limit-{chip.Id}",
            template: new MessageTemplate("confirmacao_escala", "pt_BR", ["Dra. Ana"]));
        var waiting = await Eventually.Until(() => f.AgentApi.GetMessageAsync(m.MessageId), x => x.LastError == "portfolio_limit", what: "the wait");
        Assert.Equal("queued", waiting.Status);
        Assert.DoesNotContain(f.MetaSim.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);

        // A doctor already reached in the 24 h does not count again.
        var reached = await f.Host.Get<IGrainFactory>().GetGrain<Julia.Grains.Meta.IPortfolioGrain>(chip.Portfolio)
            .TryReachAsync("+5521000000001", f.Clock.GetUtcNow());
        Assert.Equal((true, 250, 250), (reached.Allowed, reached.Limit, reached.Reached));
    }
}
