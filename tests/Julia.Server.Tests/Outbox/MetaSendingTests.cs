using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Outbox;

/// <summary>
/// Sending through a Meta chip end to end on the Meta simulator: the outbox sends through the chip's provider, with our
/// message id in biz_opaque_callback_data, and the simulator's signed status webhooks move the message forward.
/// </summary>
public class MetaSendingTests(SendingFixture f, ITestOutputHelper output) : IClassFixture<SendingFixture>
{
    readonly bool _logged = f.Attach(output);

    [Fact]
    public async Task A_reply_on_a_meta_chip_goes_through_the_cloud_api_and_comes_back_delivered()
    {
        await f.FreshPoolAsync();
        var chip = await f.MetaChipAsync();
        var contact = await f.ContactWithBasisAsync();
        // The doctor writes first: the window of (chip, doctor) opens, and the conversation is on this chip.
        Assert.Equal(200, await f.MetaSim.DoctorSaysAsync(chip.PhoneNumberId, contact[1..], "Oi, tenho interesse"));
        await Eventually.True(async () => await f.Scalar<long>("SELECT count(*) FROM inbound WHERE chip_id = @c", ("c", chip.Id)) == 1);

        var (accepted, _) = await f.AgentApi.SendMessageAsync(contact, "reply", "Olá, Dra.! Plantão sábado 19h?", "meta-e2e-" + chip.Id);
        var status = await Eventually.Until(() => f.Scalar<string>("SELECT status FROM messages WHERE id = @id", ("id", accepted.MessageId)),
            s => s is "delivered" or "failed", what: "the reply delivered");
        Assert.Equal("delivered", status);
        var sent = Assert.Single(f.MetaSim.Sent, s => s.PhoneNumberId == chip.PhoneNumberId);
        Assert.Equal(("+" + contact[1..], "outbox:" + accepted.MessageId), (sent.Body["to"]!.GetValue<string>(), sent.Body["biz_opaque_callback_data"]!.GetValue<string>()));
        Assert.Equal(sent.WamId, await f.Scalar<string>("SELECT provider_message_id FROM messages WHERE id = @id", ("id", accepted.MessageId)));
    }
}
