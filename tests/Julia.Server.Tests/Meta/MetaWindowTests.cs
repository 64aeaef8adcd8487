using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Meta;

/// <summary>
/// Meta's 24-hour window end to end on the Meta simulator and the test clock: free text inside the window, and outside it
/// only an approved template; a business message with no template is blocked <c>template_required</c>, never sent to fail.
/// </summary>
public class MetaWindowTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    Task<Message> Final(long id, string what) =>
        Eventually.Until(() => f.AgentApi.GetMessageAsync(id), m => m.Status is "delivered" or "read" or "failed" or "blocked" or "expired", what: what);

    internal static Task ApprovedAsync(SendingFixture f, string waba, string name, string category, string status = "APPROVED") =>
        Sql.Exec(f.Db, """
            INSERT INTO meta_templates (waba_id, name, language, category, status, parameter_count, updated_at)
            VALUES (@w, @n, 'pt_BR', @c, @s, 1, now())
            ON CONFLICT (waba_id, name, language) DO UPDATE SET category = EXCLUDED.category, status = EXCLUDED.status
            """, ("w", waba), ("n", name), ("c", category), ("s", status));

    /// <summary>A fresh pool with one Meta chip whose WABA has <paramref name="template"/> approved, and a doctor who wrote to it.</summary>
    async Task<(SendingFixture.TestMetaChip Chip, string Doctor)> DoctorWroteAsync(string template, string text)
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        f.MetaSim.AddTemplate(chip.Waba, template, "UTILITY");
        await ApprovedAsync(f, chip.Waba, template, "UTILITY");
        Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], text));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);
        return (chip, doctor);
    }

    [Fact]
    public async Task Reply_goes_as_text_and_a_day_later_only_a_template_goes()
    {
        var (chip, doctor) = await DoctorWroteAsync("retomada_plantao", "Oi, tenho interesse");

        var (reply, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Olá, Dra.! Plantão sábado 19h?", $"win-reply-{chip.Id}");
        Assert.Equal("delivered", (await Final(reply.MessageId, "the reply")).Status);
        Assert.Equal("text", f.MetaSim.Sent.Single(s => s.PhoneNumberId == chip.PhoneNumberId).Body["type"]!.GetValue<string>());

        f.Clock.Advance(TimeSpan.FromHours(24));
        // A selection says so too, and the queue ends the message blocked: nothing is sent for Meta to fail with 131047.
        var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "followup"));
        Assert.Equal((422, "template_required"), (refused.Status, refused.Code));
        var (bare, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Ainda tem interesse?", $"win-bare-{chip.Id}");
        var blocked = await Final(bare.MessageId, "the follow-up without a template");
        Assert.Equal(("blocked", "template_required"), (blocked.Status, blocked.LastError));

        var (withTemplate, _) = await f.AgentApi.SendMessageAsync(doctor, "followup", "Ainda tem interesse?", $"win-tpl-{chip.Id}",
            template: new MessageTemplate("retomada_plantao", "pt_BR", ["Dra. Ana"]));
        var delivered = await Final(withTemplate.MessageId, "the follow-up with a template");
        Assert.Equal(("delivered", "retomada_plantao", "pt_BR", "Dra. Ana"),
            (delivered.Status, delivered.Template?.Name, delivered.Template?.Language, delivered.Template?.Parameters.Single()));
        var sent = f.MetaSim.Sent.Where(s => s.PhoneNumberId == chip.PhoneNumberId).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(("template", "retomada_plantao"), (sent[1].Body["type"]!.GetValue<string>(), sent[1].Body["template"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Meta_s_131047_sends_the_message_again_as_its_template_and_closes_the_window_until_the_doctor_writes_again()
    {
        var (chip, doctor) = await DoctorWroteAsync("retomada_1047", "Oi");
        List<string> Types() => [.. f.MetaSim.Sent.Where(s => s.PhoneNumberId == chip.PhoneNumberId).Select(s => s.Body["type"]!.GetValue<string>())];

        // Meta reckons this window shorter than we do (a message of the doctor's we never saw, its clock): two hours on, our
        // copy says open, and the reply goes as free text, which Meta accepts and then fails with 131047.
        var window = f.MetaSim.Options.Window;
        f.MetaSim.Options.Window = TimeSpan.FromHours(1);
        try
        {
            f.Clock.Advance(TimeSpan.FromHours(2));
            var (reply, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Olá, Dra.!", $"w1047-reply-{chip.Id}",
                template: new MessageTemplate("retomada_1047", "pt_BR", ["Dra. Ana"]));
            // The refused text goes again, as the template the message carries.
            var delivered = await Eventually.Until(() => f.AgentApi.GetMessageAsync(reply.MessageId), m => m.Status is "delivered" or "read",
                what: "the reply sent again as its template");
            Assert.Equal("retomada_1047", delivered.Template?.Name);
            Assert.Equal(["text", "template"], Types());
            Assert.Equal(1L, await f.Scalar<long>("SELECT count(*) FROM meta_window_closures WHERE chip_id = @c", ("c", chip.Id)));

            // Meta's word stands: free text waits, even a reply, and nothing is sent for Meta to fail again.
            var refused = await Assert.ThrowsAsync<JuliaApiException>(() => f.AgentApi.SelectAsync(doctor, "reply"));
            Assert.Equal((422, "template_required"), (refused.Status, refused.Code));
            var (bare, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Pode confirmar?", $"w1047-bare-{chip.Id}");
            var blocked = await Final(bare.MessageId, "the text without a template");
            Assert.Equal(("blocked", "template_required"), (blocked.Status, blocked.LastError));

            // The doctor writes again: the window opens from that message, and free text goes.
            Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], "Sim, tenho"));
            await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 2);
            var (again, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Ótimo! Sábado 19h.", $"w1047-again-{chip.Id}");
            Assert.Equal("delivered", (await Final(again.MessageId, "the reply after the doctor wrote")).Status);
            Assert.Equal(["text", "template", "text"], Types());
        }
        finally
        {
            f.MetaSim.Options.Window = window;
        }
    }
}
