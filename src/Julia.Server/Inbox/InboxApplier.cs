using Julia.Grains;
using System.Text.Json;
using Julia.Domain.Contacts;
using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Julia.Server.Outbox;
using Julia.Storage.Contacts;
using Julia.Storage.Inbox;
using Julia.Storage.Outbox;
using Julia.Storage.Signals;
using Julia.Server.Inbound;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;

namespace Julia.Server.Inbox;

/// <summary>
/// What each stored Evolution event does. Every handler is idempotent (unique inbound ids, forward-only
/// receipts, guarded state changes, idempotency keys on confirmations), because an event may be
/// applied again after a crash between applying and marking it applied.
/// </summary>
public sealed class InboxApplier(IGrainFactory grains, LidStore lids, ContactStore contacts, OutboxStore outbox, SignalStore signals,
                                 OutboxWorker outboxWorker, AgentForwarder forwarder, AgentOptions agent, Trust.TrustWorker trust, [FromKeyedServices(Names.Clock)] TimeProvider time, ILogger<InboxApplier> log)
{
    /// <summary>How long a receipt may wait for its send to be recorded before it is dropped as unknown.</summary>
    static readonly TimeSpan ReceiptPatience = TimeSpan.FromMinutes(2);

    public const string OptOutConfirmation = "Pronto, você não vai mais receber nossas mensagens. Se mudar de ideia, é só responder VOLTAR.";
    public const string OptInConfirmation = "Que bom ter você de volta! Você voltará a receber nossas mensagens. Para sair, responda PARE.";
    public const string HelpReply = "Sou a Julia, assistente de recrutamento médico. Para não receber mais mensagens, responda PARE.";

    public async Task ApplyAsync(InboxItem item, CancellationToken ct)
    {
        var data = item.Payload.GetProperty("data");
        var chipId = item.ChipId ?? throw new PermanentEventError("event without a chip");
        trust.Touched(chipId);
        switch (item.Event)
        {
            case EvolutionWebhook.Upsert: await UpsertAsync(item, chipId, data, ct); break;
            case EvolutionWebhook.Update: await ReceiptAsync(item, chipId, data, ct); break;
            case EvolutionWebhook.Connection:
                var state = EvolutionWebhook.Str(data, "state")!;
                int? reason = data.TryGetProperty("statusReason", out var sr) && sr.ValueKind == JsonValueKind.Number ? sr.GetInt32() : null;
                await grains.GetGrain<IChipGrain>(chipId).ConnectionAsync(state, reason, time.GetUtcNow());
                break;
            case EvolutionWebhook.QrCode:
                // The newest pairing QR of a chip waiting for one; any other chip's is old news.
                var qr = data.TryGetProperty("qrcode", out var q) && q.ValueKind == JsonValueKind.Object ? q : data;
                var code = EvolutionWebhook.Str(qr, "code");
                var image = EvolutionWebhook.Str(qr, "base64");
                // A chip already paired (or a QR without content) has nothing to keep: applied, as before QRs were kept.
                if (code is not null || image is not null) await grains.GetGrain<IChipGrain>(chipId).KeepQrAsync(new PairingQr(code, image, time.GetUtcNow()));
                break;
            default: break; // send.message: nothing to change
        }
    }

    async Task UpsertAsync(InboxItem item, long chipId, JsonElement data, CancellationToken ct)
    {
        var key = data.GetProperty("key");
        var phone = await SenderAsync(key, data, ct);
        var message = data.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var text = EvolutionWebhook.Str(message, "conversation")
                   ?? (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("extendedTextMessage", out var ext) ? EvolutionWebhook.Str(ext, "text") : null);
        var intent = Keywords.Detect(text);
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(EvolutionWebhook.Timestamp(data)!.Value);
        var now = time.GetUtcNow();
        if (sentAt > now) sentAt = now; // the gateway's clock is not ours

        // The contact's grain applies the message once (by chip and gateway id) and keeps what selection reads.
        var conversation = grains.GetGrain<IConversationGrain>(phone.E164);
        var id = await conversation.InboundAsync(new InboundFact(chipId, EvolutionWebhook.Str(key, "id")!, EvolutionWebhook.Str(data, "pushName"),
            text, IntentName(intent), sentAt, agent.InboundUrl is not null));
        if (id is null) return; // seen before
        forwarder.Wake();

        string? reply = intent switch
        {
            KeywordIntent.OptOut => OptOutConfirmation,
            KeywordIntent.OptIn => OptInConfirmation,
            KeywordIntent.Help => HelpReply,
            _ => null,
        };
        if (intent == KeywordIntent.OptOut)
        {
            await conversation.OptOutAsync($"chip:{chipId}", text, "contact");
            await signals.ContactLeftAsync(chipId, "opt_out", text, now, ct);
            log.LogInformation("Contact {Contact} opted out by message on chip {Chip}", phone.Masked, chipId);
        }
        else if (intent == KeywordIntent.OptIn)
        {
            var current = await contacts.GetAsync(phone.E164, ct);
            if (current?.OptedOutAt is null) reply = null; // nothing to undo: no confirmation either
            else await conversation.OptInAsync("contact wrote a start keyword", "contact");
        }
        if (reply is not null)
        {
            // One confirmation per inbound message, whatever happens to this event later.
            await outbox.EnqueueAsync(new NewMessage($"keyword-reply:{id}", phone.E164, MessageKind.Reply, reply, null, now + TimeSpan.FromHours(23)), now, ct);
            outboxWorker.Wake();
        }
    }

    /// <summary>
    /// The doctor's phone: contacts and affinity key on it. A contact addressed by LID carries the phone in
    /// <c>remoteJidAlt</c> (Evolution 2.3.x), earlier in <c>senderPn</c>; failing both, a phone this LID was
    /// seen with before. Each pair seen is learnt, and releases the events held for that LID.
    /// </summary>
    async Task<Phone> SenderAsync(JsonElement key, JsonElement data, CancellationToken ct)
    {
        var jid = EvolutionWebhook.Str(key, "remoteJid")!;
        var alt = EvolutionWebhook.Str(key, "remoteJidAlt");
        var senderPn = EvolutionWebhook.Str(key, "senderPn") ?? EvolutionWebhook.Str(data, "senderPn");
        string? lid = null, phoneJid = jid;
        if (jid.EndsWith("@lid"))
        {
            lid = jid;
            phoneJid = new[] { alt, senderPn }.FirstOrDefault(j => j is not null && !j.EndsWith("@lid"));
        }
        // Addressed by phone, with the LID beside it (2.3.x) or the LID it replaced (previousRemoteJid, 2.3.1–2.3.2).
        else lid = new[] { alt, EvolutionWebhook.Str(key, "previousRemoteJid") }.FirstOrDefault(j => j?.EndsWith("@lid") == true);

        var now = time.GetUtcNow();
        if (phoneJid is null)
        {
            var known = await lids.PhoneForAsync(lid!, ct);
            if (known is null) throw new HeldEventError(lid!);
            return Phone.Parse(known);
        }
        // A real person's message: if we cannot read the number, an operator must see it (dead letters), not lose it.
        if (!Phone.TryParseWhatsApp(phoneJid.Split('@')[0].Split(':')[0], out var phone))
            throw new PermanentEventError("the sender's number is not a phone number we can read");
        if (lid is not null && await lids.LearnAsync(lid, phone.E164, now, ct) is > 0 and var released)
        {
            log.LogInformation("Released {Count} event(s) held for a LID now known as {Contact}", released, phone.Masked);
            // The held messages are older: they reach the agent first, this one right after.
            throw new NotYetError("earlier messages held for this LID go first");
        }
        return phone;
    }

    async Task ReceiptAsync(InboxItem item, long chipId, JsonElement data, CancellationToken ct)
    {
        var status = MessageStatus.FromEvolution(EvolutionWebhook.ReceiptStatus(data));
        if (status is null) throw new IgnoredEventError("status says nothing about delivery (PENDING or DELETED)");
        var now = time.GetUtcNow();
        var (_, known) = await outbox.ReceiptAsync(chipId, EvolutionWebhook.ReceiptId(data)!, status, item.ReceivedAt, now, ct);
        // The gateway can answer faster than we record the send: wait a little for it, then give up
        // (a receipt for a message we never sent says nothing about delivery).
        if (!known && now - item.ReceivedAt < ReceiptPatience) throw new NotYetError("no recorded send with this id yet");
    }

    static string IntentName(KeywordIntent i) => i switch
    {
        KeywordIntent.OptOut => "opt_out",
        KeywordIntent.OptIn => "opt_in",
        KeywordIntent.Help => "help",
        _ => "none",
    };
}
