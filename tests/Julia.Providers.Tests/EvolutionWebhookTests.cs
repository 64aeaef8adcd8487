using System.Text;
using System.Text.Json;
using Julia.Domain.Phones;
using Julia.Providers.Evolution;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Tests;

/// <summary>
/// Evolution's webhook bodies read into typed, provider-neutral events by the parser alone, over the shared corpus
/// (<c>tests/Julia.Server.Tests/Payloads</c>: shapes Evolution v1.7 to v2.3.7 really send) and what
/// <c>expected.json</c> says of each; the server's replay test posts the same files end to end.
/// </summary>
public class EvolutionWebhookTests
{
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Payloads");
    const string Uid = "TESTUID0001";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Dir, "evolution"), "*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    static byte[] Body(string file) => Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(Dir, "evolution", file))
        .Replace("__INSTANCE__", "chip-1").Replace("__APIKEY__", "token-1").Replace("__CHIP__", "5511999990001").Replace("__UID__", Uid));

    /// <summary>What the parser makes of a body: its envelope, why it would be ignored at intake, and the event it reads as.</summary>
    static (EvolutionEnvelope Envelope, string? Ignored, InboundEvent? Event) Read(string file, string? pathEvent = null)
    {
        var root = JsonDocument.Parse(Body(file)).RootElement;
        var (envelope, error) = EvolutionEnvelope.Parse(root, pathEvent);
        Assert.True(envelope is not null, $"{file}: {error}");
        var ignored = envelope!.IgnoreReason();
        return (envelope, ignored, ignored is null ? EvolutionPayload.Read(envelope.Event, root) : null);
    }

    [Fact]
    public void The_corpus_is_the_servers()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement;
        var files = Directory.GetFiles(Path.Combine(Dir, "evolution"), "*.json").Select(f => Path.GetFileName(f)!).Order().ToList();
        Assert.True(files.Count >= 30, $"only {files.Count} payloads");
        Assert.Equal(files, expected.EnumerateObject().Select(p => p.Name).Order().ToList());
    }

    [Theory, MemberData(nameof(Files))]
    public void Every_body_reads_as_the_event_expected(string file)
    {
        var outcome = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty(file).GetProperty("outcome").GetString();
        var (envelope, ignored, read) = Read(file);
        Assert.Equal("chip-1", envelope.Instance);
        switch (outcome)
        {
            case "inbound":
                var m = Assert.IsType<EvolutionMessage>(read);
                Assert.True(Phone.TryParseWhatsApp(m.Sender.PhoneDigits, out _), $"{file}: sender {m.Sender}");
                Assert.Contains(Uid, m.MessageId);
                Assert.True(m.SentAt.Year >= 2024, $"{file}: sent at {m.SentAt}");
                Assert.False(string.IsNullOrWhiteSpace(m.Text), file);
                Assert.Equal(DoctorMessageKind.Text, m.Kind);
                break;
            case "held":
                var h = Assert.IsType<EvolutionMessage>(read);
                Assert.Null(h.Sender.PhoneJid);
                Assert.EndsWith("@lid", h.Sender.Lid);
                break;
            case "receipt":
                var r = Assert.IsType<DeliveryReceipt>(read);
                Assert.Contains(Uid, r.MessageId);
                Assert.Contains(r.Status, new[] { "sent", "delivered", "read", "failed" });
                break;
            case "connection":
                var c = Assert.IsType<ConnectionChanged>(read);
                Assert.Contains(c.State, new[] { "open", "connecting", "close" });
                break;
            case "stored":
                Assert.True(read is NoChange or QrCodeUpdated, $"{file}: {read}");
                break;
            case "own":
                var own = Assert.IsType<EvolutionOwnMessage>(read);
                Assert.True(Phone.TryParseWhatsApp(own.To.PhoneDigits, out _), $"{file}: to {own.To}");
                Assert.Contains(Uid, own.MessageId);
                Assert.False(string.IsNullOrWhiteSpace(own.Text), file);
                break;
            case "ignored":
                Assert.True(ignored is not null || read is Ignored, $"{file}: read as {read}");
                break;
            default:
                Assert.Fail($"unknown outcome in expected.json for {file}");
                break;
        }
    }

    [Theory]
    // Four LID eras: the phone is in remoteJidAlt (2.3.5–2.3.6), senderPn (2.3.0), remoteJid itself with the LID it
    // replaced (2.3.1–2.3.2), or remoteJid with the LID beside it in remoteJidAlt (pn addressing).
    [InlineData("v2.3.6-messages.upsert-lid-remoteJidAlt.json", "5511987654306@s.whatsapp.net", "61829374650192@lid")]
    [InlineData("v2.3.0-messages.upsert-lid-senderPn.json", "5511987654303@s.whatsapp.net", "148703592640257@lid")]
    [InlineData("v2.3.2-messages.upsert-lid-senderPn-rewritten.json", "5511987654305@s.whatsapp.net", "203948571629384@lid")]
    [InlineData("v2.3.6-messages.upsert-pn-remoteJidAlt-lid.json", "5511987654307@s.whatsapp.net", "118273645501928@lid")]
    [InlineData("v2.2.3-messages.upsert-conversation.json", null, null)]
    public void The_doctor_is_found_wherever_the_version_put_the_phone(string file, string? phoneJid, string? lid)
    {
        var m = Assert.IsType<EvolutionMessage>(Read(file).Event);
        if (phoneJid is not null) Assert.Equal(new EvolutionSender(phoneJid, lid), m.Sender);
        else Assert.Equal((false, (string?)null), (m.Sender.PhoneJid!.EndsWith("@lid"), m.Sender.Lid));
    }

    [Fact]
    public void A_message_reads_as_a_doctors_message_once_its_sender_is_a_phone()
    {
        var m = Assert.IsType<EvolutionMessage>(Read("v1.8.2-messages.upsert-extendedText.json").Event);
        Assert.True(Phone.TryParseWhatsApp(m.Sender.PhoneDigits, out var phone));
        var doctor = m.From(phone);
        Assert.Equal((new Phone("+5511987654302"), "A5C1" + Uid, "Dr. Bruno Carvalho", "Tenho interesse sim. Qual o valor do plantão?", DoctorMessageKind.Text),
            (doctor.From, doctor.MessageId, doctor.Name, doctor.Text, doctor.Kind));

        var twelve = Assert.IsType<EvolutionMessage>(Read("v2.3.7-messages.upsert-br-12digit-jid.json").Event);
        Assert.True(Phone.TryParseWhatsApp(twelve.Sender.PhoneDigits, out var full));
        Assert.Equal("+5531987654300", full.E164); // the ninth digit WhatsApp leaves out, put back

        var stringTime = Assert.IsType<EvolutionMessage>(Read("v2.3.7-messages.upsert-timestamp-string.json").Event);
        Assert.True(stringTime.SentAt > DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    }

    [Theory]
    [InlineData("v1.8.2-messages.update-DELIVERY_ACK.json", "BAE5" + Uid, "delivered")] // v1: data.id, no keyId
    [InlineData("v2.3.4-messages.update-SERVER_ACK.json", null, "sent")]
    [InlineData("v2.3.6-messages.update-PLAYED.json", null, "read")]
    [InlineData("v2.3.6-messages.update-ERROR.json", null, "failed")]
    [InlineData("v2.3.7-messages.update-READ-lid.json", null, "read")]
    public void Receipts_name_their_message_and_our_status(string file, string? id, string status)
    {
        var r = Assert.IsType<DeliveryReceipt>(Read(file).Event);
        Assert.Equal(status, r.Status);
        if (id is not null) Assert.Equal(id, r.MessageId);
    }

    [Theory]
    [InlineData("SERVER_ACK", "sent")]
    [InlineData("DELIVERY_ACK", "delivered")]
    [InlineData("READ", "read")]
    [InlineData("PLAYED", "read")]
    [InlineData("ERROR", "failed")]
    [InlineData("PENDING", null)]
    [InlineData("DELETED", null)]
    [InlineData("whatever", null)]
    public void Evolution_receipts(string evo, string? ours) => Assert.Equal(ours, EvolutionReceipts.Ours(evo));

    [Fact]
    public void A_pending_receipt_is_ignored_when_read()
    {
        var body = JsonDocument.Parse("""{"event":"messages.update","instance":"chip-1","data":{"keyId":"K1","remoteJid":"5511987654302@s.whatsapp.net","fromMe":true,"status":"PENDING"}}""").RootElement;
        Assert.Equal(new Ignored("status says nothing about delivery (PENDING or DELETED)"), EvolutionPayload.Read("messages.update", body));
    }

    [Fact]
    public void Connections_qr_codes_and_our_own_sends()
    {
        Assert.Equal(new ConnectionChanged("close", 401), Read("v2.3.7-connection.update-close-401.json").Event);
        Assert.Equal(new ConnectionChanged("open", 200), Read("v2.3.7-connection.update-open.json").Event);
        var qr = Assert.IsType<QrCodeUpdated>(Read("v2.3.7-qrcode.updated.json").Event);
        Assert.StartsWith("2@", qr.Code);
        Assert.StartsWith("data:image/png;base64,", qr.Image);
    }

    // Issue 23: our own send echoed back is the gateway's word that it went; it settles a send in doubt. It used to be read
    // as nothing to apply (send.message) or ignored (messages.upsert with fromMe).
    [Theory]
    [InlineData("v2.3.7-send.message.json", "5511987654301@s.whatsapp.net",
        "Olá Dra. Ana, aqui é a Julia. Segue a escala de fevereiro em anexo na próxima mensagem.")]
    [InlineData("v1.8.2-send.message-long-timestamp.json", "5511987654302@s.whatsapp.net",
        "Olá Dr. Bruno, aqui é a Julia. Temos um plantão noturno no sábado, 19h às 7h. Tem interesse?")]
    [InlineData("v2.3.7-messages.upsert-fromMe.json", "5511987654301@s.whatsapp.net", "Perfeito, Dra. Ana. Te envio a escala ainda hoje.")]
    public void Our_own_sends_echoed_back_name_the_contact_the_id_and_the_text(string file, string to, string text)
    {
        var own = Assert.IsType<EvolutionOwnMessage>(Read(file).Event);
        Assert.Equal((to, text), (own.To.PhoneJid, own.Text));
        Assert.Contains(Uid, own.MessageId);
    }

    [Theory]
    [InlineData("v2.3.7-messages.upsert-group-participantAlt.json", "group, broadcast or channel")]
    [InlineData("v2.2.3-messages.update-edit-no-status.json", "no status: an edit or a deletion, not a receipt")]
    [InlineData("v2.3.4-messages.update-edit-DELETED.json", "DELETED: an edit or a deletion, not a receipt")]
    [InlineData("v2.3.7-messages.update-edit-message.json", "an edit, not a receipt")]
    [InlineData("v2.3.6-messages.update-READ-incoming.json", "a receipt for the contact's own message")]
    [InlineData("v2.3.7-presence.update.json", "event not used")]
    public void Events_we_do_not_act_on_say_why(string file, string reason) => Assert.Equal(reason, Read(file).Ignored);

    [Fact]
    public void An_instance_is_set_to_send_exactly_the_events_read_here() =>
        Assert.Equal(EvolutionEnvelope.Known.Order(), EvolutionWebhooks.Subscribed.Select(EvolutionEnvelope.Normalise).Order());

    [Fact]
    public void The_event_may_come_in_the_path_and_must_agree_with_the_body()
    {
        Assert.Null(Read("v2.3.7-messages.upsert-lid-rewritten.json", "MESSAGES_UPSERT").Ignored);
        Assert.Equal("the event in the path and in the body differ", Read("v2.3.7-messages.upsert-lid-rewritten.json", "connection-update").Ignored);
    }

    [Fact]
    public void The_same_event_again_has_the_same_dedupe_key_and_a_new_message_a_new_one()
    {
        var body = Body("v2.3.7-messages.update-DELIVERY_ACK.json");
        var (e, ignored, _) = Read("v2.3.7-messages.update-DELIVERY_ACK.json");
        Assert.Equal($"evo:update:chip-1:{((DeliveryReceipt)EvolutionPayload.Read(e.Event, JsonDocument.Parse(body).RootElement)).MessageId}:DELIVERY_ACK",
            e.DedupeKey(body, ignored is not null));
        var (c, _, _) = Read("v2.3.7-connection.update-open.json");
        var connection = Body("v2.3.7-connection.update-open.json");
        // No id to go by: the body's hash, so only a byte-identical delivery is a duplicate.
        Assert.Equal("evo:connection.update:chip-1:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(connection)), c.DedupeKey(connection, false));
        Assert.StartsWith("evo:upsert:chip-1:", Read("v2.2.3-messages.upsert-conversation.json").Envelope.DedupeKey(Body("v2.2.3-messages.upsert-conversation.json"), false));
    }
}
