using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Meta;

/// <summary>
/// Meta's webhooks as Meta delivers them: a send's statuses in one batch, in reverse order (read, delivered, sent), and
/// every body twice. Each status is stored once and applied monotonically: the message ends read, with its delivery
/// and read times, and the late <c>sent</c> and <c>delivered</c> change nothing.
/// </summary>
public class MetaDeliveryTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task Batched_reversed_and_duplicated_statuses_end_the_message_read_once()
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        var doctor = await f.ContactWithBasisAsync();
        var o = f.MetaSim.Options;
        (o.BatchStatuses, o.DisorderProbability, o.DuplicateProbability, o.ReadProbability) = (true, 1, 1, 1);
        Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, doctor[1..], "Oi, tenho interesse"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);
        var duplicatesBefore = f.MetaSim.WebhooksDuplicated;

        var (reply, _) = await f.AgentApi.SendMessageAsync(doctor, "reply", "Olá, Dra.! Plantão sábado 19h?", $"delivery-{chip.Id}");
        await Eventually.True(() => Task.FromResult(f.MetaSim.WebhooksDuplicated > duplicatesBefore), what: "the status batch delivered twice");
        await Eventually.Until(() => f.AgentApi.GetMessageAsync(reply.MessageId), m => m.Status == "read", what: "the reply read");
        // Both bodies were stored before their 200: the second adds no row, and nothing waits or failed.
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbox WHERE source = 'meta' AND status <> 'applied'") == 0,
            what: "the inbox processed");
        Assert.Equal(3L, await f.Scalar<long>("SELECT count(*) FROM inbox WHERE source = 'meta' AND chip_id = @c AND event = 'status'",
            ("c", chip.Id)));
        var final = await f.AgentApi.GetMessageAsync(reply.MessageId);
        Assert.Equal(("read", true, true), (final.Status, final.DeliveredAt is not null, final.ReadAt is not null));
    }
}
