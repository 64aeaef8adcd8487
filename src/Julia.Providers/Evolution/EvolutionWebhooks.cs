using System.Text;
using System.Text.Json;
using Julia.Domain.Phones;
using Julia.Providers.Webhooks;
using Microsoft.Extensions.Logging;

namespace Julia.Providers.Evolution;

/// <summary>
/// Evolution API's webhooks (<c>POST /webhooks/evolution</c>, and <c>/{event}</c> with webhook-by-events). A body is
/// checked before it is stored: one that can never be processed is refused with a 4xx (Evolution stops retrying),
/// so the inbox holds only events that can be read. Order of business: the envelope, the instance's chip, its
/// secret (header or JWT), the body's apikey; then a valid, authentic event is kept, to apply or as ignored with
/// the reason. Reading a stored doctor's message resolves its sender to a phone, through the LIDs learnt before.
/// </summary>
public sealed class EvolutionWebhooks(IChipKeys chips, ILidBook lids, ILogger<EvolutionWebhooks> log) : IGatewayWebhooks
{
    public const string Name = "evolution";

    /// <summary>The events an instance's webhook is set to send, in Evolution's configuration names: the ones read here.</summary>
    public static readonly string[] Subscribed = ["QRCODE_UPDATED", "CONNECTION_UPDATE", "MESSAGES_UPSERT", "MESSAGES_UPDATE", "SEND_MESSAGE"];

    public string Source => Name;

    public async ValueTask<WebhookIntake> ReceiveAsync(WebhookRequest request, DateTimeOffset now, CancellationToken ct)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(request.Body); }
        catch (JsonException e) { return WebhookIntake.Refused(400, "malformed_json", "The webhook body is not JSON.", e.Message); }
        using (doc)
        {
            var (envelope, error) = EvolutionEnvelope.Parse(doc.RootElement, request.PathEvent);
            if (envelope is null) return WebhookIntake.Refused(400, "invalid_payload", "The webhook is not an Evolution event.", error);

            // Authenticate before anything else is said about the event.
            if (await chips.ByInstanceAsync(envelope.Instance, ct) is not { Secret: { } secret } chip)
                return WebhookIntake.Refused(401, "unknown_instance", "No chip with this instance accepts webhooks.");
            if (!EvolutionAuth.Authentic(request.Header("X-Webhook-Secret"), request.Header("Authorization"), secret, now))
                return WebhookIntake.Refused(401, "invalid_signature", "The webhook secret or token does not match this instance.");
            if (envelope.ApiKey is not null && (chip.Token is null || !EvolutionAuth.SameSecret(envelope.ApiKey, chip.Token)))
                return WebhookIntake.Refused(401, "invalid_apikey", "The body's apikey does not match this instance.");

            var ignored = envelope.IgnoreReason();
            return WebhookIntake.Accepted(envelope.Event, new WebhookItem(envelope.DedupeKey(request.Body, ignored is not null), envelope.Event, chip.Id,
                Encoding.UTF8.GetString(request.Body), ignored));
        }
    }

    public async ValueTask<InboundEvent> ReadAsync(string evt, JsonElement payload, DateTimeOffset now, CancellationToken ct) =>
        EvolutionPayload.Read(evt, payload) switch
        {
            EvolutionMessage m => await SenderAsync(m, now, ct),
            EvolutionOwnMessage o => await RecipientAsync(o, ct),
            var other => other,
        };

    /// <summary>
    /// Whom our own message went to: the phone in the payload, or one this LID was seen with before. An echo whose contact
    /// cannot be told changes nothing (it only ever settles a send in doubt, which the gateway is asked about later anyway).
    /// </summary>
    async Task<InboundEvent> RecipientAsync(EvolutionOwnMessage o, CancellationToken ct)
    {
        var digits = o.To.PhoneDigits ?? (o.To.Lid is { } lid && await lids.PhoneForAsync(lid, ct) is { } known ? known.TrimStart('+') : null);
        return Phone.TryParseWhatsApp(digits, out var phone)
            ? new OwnMessageSeen(phone, o.MessageId, o.Text)
            : new NoChange("our own message, to a contact we cannot tell");
    }

    /// <summary>
    /// The doctor's phone: contacts and affinity key on it. Failing one in the payload, a phone this LID was seen
    /// with before; failing that, the message is held for the LID. Each pair seen is learnt, and releases the
    /// events held for that LID, which go first.
    /// </summary>
    async Task<InboundEvent> SenderAsync(EvolutionMessage m, DateTimeOffset now, CancellationToken ct)
    {
        var (phoneJid, lid) = m.Sender;
        if (phoneJid is null)
            return await lids.PhoneForAsync(lid!, ct) is { } known
                ? m.From(Phone.Parse(known))
                : new Held(lid!, $"sender known only by LID {lid}; waiting for its phone number");
        // A real person's message: if we cannot read the number, an operator must see it (dead letters), not lose it.
        if (!Phone.TryParseWhatsApp(m.Sender.PhoneDigits, out var phone))
            return new Unusable("the sender's number is not a phone number we can read");
        if (lid is not null && await lids.LearnAsync(lid, phone.E164, now, ct) is > 0 and var released)
        {
            log.LogInformation("Released {Count} event(s) held for a LID now known as {Contact}", released, phone.Masked);
            // The held messages are older: they reach the agent first, this one right after.
            return new TooEarly("earlier messages held for this LID go first");
        }
        return m.From(phone);
    }
}
