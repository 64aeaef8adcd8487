using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;
using Julia.Providers.Webhooks;
using Julia.Server.Inbound;
using Julia.Server.Outbox;
using Julia.Storage.Inbox;
using Julia.Storage.Outbox;
using Microsoft.Extensions.Options;

namespace Julia.Server.Inbox;

/// <summary>
/// Routes each stored webhook event to what owns it: its gateway reads it into a typed event (<see cref="IGatewayWebhooks"/>,
/// by the event's source), then a doctor's message goes to the contact's <see cref="IConversationGrain"/> (which applies
/// it and its keyword once), a connection change or a platform signal to the chip's <see cref="IChipGrain"/>, a receipt
/// or the gateway's echo of our own send to the outbox. It decides nothing itself. Every step is idempotent (unique inbound ids, forward-only receipts, guarded
/// state changes), because an event may be applied again after a crash between applying and marking it applied.
/// </summary>
public sealed class InboxRouter(IEnumerable<IGatewayWebhooks> gateways, IGrainFactory grains, OutboxStore outbox, OutboxWorker outboxWorker,
    AgentForwarder forwarder,
                                IOptions<AgentOptions> agent, Trust.TrustWorker trust, Clock time,
                                ILogger<InboxRouter> log, Storage.Meta.MetaTemplateStore templates)
{
    /// <summary>How long a receipt may wait for its send to be recorded before it is dropped as unknown.</summary>
    static readonly TimeSpan ReceiptPatience = TimeSpan.FromMinutes(2);

    readonly Dictionary<string, IGatewayWebhooks> _bySource = gateways.ToDictionary(g => g.Source);

    /// <summary>Applies one event: null when applied, otherwise why not (<see cref="Ignored"/>, <see cref="Held"/>, <see cref="TooEarly"/>,
    /// <see cref="Unusable"/>).</summary>
    public async Task<InboundEvent?> RouteAsync(InboxItem item, CancellationToken ct)
    {
        if (!_bySource.TryGetValue(item.Source, out var gateway)) return new Unusable($"no gateway reads '{item.Source}' events");
        var now = time.GetUtcNow();
        var read = await gateway.ReadAsync(item.Event, item.Payload, now, ct);
        if (item.ChipId is not { } chipId) return new Unusable("event without a chip");
        trust.Touched(chipId);
        switch (read)
        {
            case DoctorMessage m:
                await DoctorWroteAsync(chipId, m);
                return null;
            case DeliveryReceipt r:
                var (_, known) = await outbox.ReceiptAsync(chipId, r.MessageId, r.Status, item.ReceivedAt, now, ct, r.Ours, r.Error);
                // The gateway can answer faster than we record the send: wait a little for it, then give up
                // (a receipt for a message we never sent says nothing about delivery).
                return !known && now - item.ReceivedAt < ReceiptPatience ? new TooEarly("no recorded send with this id yet") : null;
            case ConnectionChanged c:
                await grains.GetGrain<IChipGrain>(chipId).ApplyConnectionAsync(c.State, c.Code, now);
                return null;
            case ChipSignal { Kind: ChipSignalKind.Restricted } s:
                await grains.GetGrain<IChipGrain>(chipId).ApplyRestrictionAsync(s.Detail, now);
                return null;
            case ChipSignal { Kind: ChipSignalKind.RateLimited } s:
                await grains.GetGrain<IChipGrain>(chipId).ApplyRateLimitAsync(s.Detail, now);
                return null;
            case StandingReported s:
                await grains.GetGrain<IChipGrain>(chipId).ApplyStandingAsync(new StandingReport(s.Quality, s.Health, s.MessagingLimit,
                    s.ThroughputPerSecond, s.HealthDetail, Polled: false, s.PollSoon, now));
                return null;
            case QrCodeUpdated q:
                // The newest pairing QR of a chip waiting for one; a chip already paired (or a QR without content) has nothing to keep.
                if (q.Code is not null || q.Image is not null) await grains.GetGrain<IChipGrain>(chipId).KeepQrAsync(new PairingQr(q.Code, q.Image, now));
                return null;
            case OwnMessageSeen o:
                // The gateway's echo of our own send settles a send in doubt. While a send to that contact is in flight,
                // the echo may be ahead of its answer (or of its going in doubt): it waits a little, as a receipt does.
                var echo = await outbox.EchoAsync(chipId, o.To.E164, o.MessageId, o.Text, now, ct);
                if (echo == EchoOutcome.Confirmed) log.LogInformation("Message to {Contact} in doubt on chip {Chip}: confirmed by the gateway's echo",
                    o.To.Masked, chipId);
                return echo == EchoOutcome.InFlight && now - item.ReceivedAt < ReceiptPatience ? new TooEarly("a send to this contact is in flight") : null;
            case TemplateStatusChanged t:
                // Read at each template send: a pause stops the next one.
                await templates.SetStatusAsync(t.WabaId, t.Name, t.Language, t.TemplateId, t.Status, t.Reason, t.Category, now, ct);
                if (t.Status != Domain.Meta.TemplateCategories.Approved)
                    log.LogWarning("Template {Name} ({Language}) of WABA {Waba} is {Status}: not sent until approved again",
                        t.Name, t.Language, t.WabaId, t.Status);
                return null;
            case TemplateCategoryChanged t:
                await templates.SetCategoryAsync(t.WabaId, t.TemplateId, t.Name, t.Language, t.Category, t.Pending, now, ct);
                return null;
            case MarketingPreference p:
                await grains.GetGrain<IConversationGrain>(p.Contact.E164).SetMarketingOptOutAsync(p.Stop, p.Source, p.At);
                log.LogInformation("Contact {Contact} {Change} promotions ({Source})", p.Contact.Masked, p.Stop ? "stopped" : "resumed", p.Source);
                return null;
            case WindowClosed w:
                // The window first, so that the refused message, sent again, goes as its template.
                await grains.GetGrain<IConversationGrain>(w.Contact.E164).CloseMetaWindowAsync(chipId, w.At);
                var (again, unsettled) = await outbox.ReplanAsTemplateAsync(chipId, w.MessageId, w.Ours, now, ct);
                if (unsettled && now - item.ReceivedAt < ReceiptPatience) return new TooEarly("the send's failure is not applied yet");
                if (again) outboxWorker.Wake();
                log.LogInformation("Meta closed the window of {Contact} on chip {Chip} (131047): free text waits for the doctor's next message{Again}",
                    w.Contact.Masked, chipId, again ? "; the refused message goes again as its template" : "");
                return null;
            case NoChange:
                return null;
            case var notApplied when notApplied is Ignored or Held or TooEarly or Unusable:
                return notApplied;
            case var other:
                return new Unusable($"{other.GetType().Name}: not an event the inbox routes");
        }
    }

    /// <summary>One call: the contact's grain applies the message and its keyword, and says what follows.</summary>
    async Task DoctorWroteAsync(long chipId, DoctorMessage m)
    {
        var done = await grains.GetGrain<IConversationGrain>(m.From.E164)
            .ReceiveAsync(new ContactMessage(chipId, m.MessageId, m.Name, m.Text, m.SentAt, Forward: agent.Value.InboundUrl is not null,
                OpensWindow: m.Kind != DoctorMessageKind.Reaction));
        if (done.InboundId is null) return; // seen before
        forwarder.Wake();
        if (done.ReplyQueued) outboxWorker.Wake();
        if (done.OptedOut) log.LogInformation("Contact {Contact} opted out by message on chip {Chip}", m.From.Masked, chipId);
    }
}
