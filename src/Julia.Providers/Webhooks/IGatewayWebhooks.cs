using System.Text.Json;

namespace Julia.Providers.Webhooks;

/// <summary>
/// One gateway's webhooks: the seam a gateway plugs into, registered once per gateway. <see cref="ReceiveAsync"/>
/// reads, authenticates and routes a posted body before anything is stored (the front end stores what it returns,
/// then answers); <see cref="ReadAsync"/> turns one stored event into one typed, provider-neutral
/// <see cref="InboundEvent"/>, which the inbox worker routes to its grain. Nothing outside the gateway's folder
/// in this project knows its JSON, and a new gateway needs no change to the workers.
/// </summary>
public interface IGatewayWebhooks
{
    /// <summary>The gateway's name: its path under <c>/webhooks/</c> and the <c>source</c> of its stored events.</summary>
    string Source { get; }

    /// <summary>
    /// A posted body: refused (a body that can never be processed, or a sender that is not who it says: 4xx, and
    /// nothing is stored), or the events to keep, each for its chip, with its dedupe key and, for a valid event
    /// that will not be acted on, the reason.
    /// </summary>
    ValueTask<WebhookIntake> ReceiveAsync(WebhookRequest request, DateTimeOffset now, CancellationToken ct);

    /// <summary>What a stored event says, as read when it is applied (<paramref name="now"/>: our clock).</summary>
    ValueTask<InboundEvent> ReadAsync(string evt, JsonElement payload, DateTimeOffset now, CancellationToken ct);
}
