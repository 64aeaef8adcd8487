using System.Text;
using System.Text.Json;
using Julia.Providers.Webhooks;
using Microsoft.Extensions.Options;

namespace Julia.Providers.Meta;

/// <summary>
/// Meta's WhatsApp Cloud API webhooks (<c>POST /webhooks/meta</c>). Order of business: the signature header must be
/// there; the body must be JSON with an <c>entry</c> array (else 400); its items are routed to our chips
/// (<see cref="MetaIntake"/>); the body must be signed with a configured app secret or the app secret of the chips it
/// names (else 401: none configured fails closed). Then every item is kept: to apply, or as ignored with the reason
/// (an unknown number or field is 200 and recorded, since any other answer only makes Meta retry for days).
/// </summary>
public sealed class MetaWebhooks(IMetaChips chips, IOptions<MetaOptions> options) : IGatewayWebhooks
{
    public const string Name = "meta";

    readonly string[] _configured = [.. options.Value.AppSecrets.Where(s => !string.IsNullOrEmpty(s))];

    public string Source => Name;

    public async ValueTask<WebhookIntake> ReceiveAsync(WebhookRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var header = request.Header(MetaSignature.Header);
        if (header is null) return WebhookIntake.Refused(401, "unsigned", "The webhook has no X-Hub-Signature-256 header.");
        if (MetaSignature.Parse(header) is not { } signature)
            return WebhookIntake.Refused(401, "invalid_signature", "X-Hub-Signature-256 must be sha256= and 64 hex digits.");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(request.Body); }
        catch (JsonException e) { return WebhookIntake.Refused(400, "malformed_json", "The webhook body is not JSON.", e.Message); }
        using (doc)
        {
            var intake = new MetaIntake(chips);
            if (await intake.ReadAsync(doc.RootElement, ct) is { } error)
                return WebhookIntake.Refused(400, "invalid_payload", "The webhook is not a WhatsApp Cloud API event.", error);

            // Loops, not LINQ: this runs for every webhook, and a body names one chip far more often than several.
            var secrets = new List<string>(_configured);
            foreach (var i in intake.Items)
                if (i.Chip?.AppSecret is { Length: > 0 } s && !secrets.Contains(s)) secrets.Add(s);
            if (secrets.Count == 0) return WebhookIntake.Refused(401, "no_app_secret",
                "No app secret is configured for these numbers: Meta webhooks are refused.");
            if (MetaSignature.SignedBy(request.Body, signature, secrets) is not { } signer)
                return WebhookIntake.Refused(401, "invalid_signature", "The signature does not match the body for any app secret of these numbers.");
            // A chip's own secret vouches for that chip's events only: a body that also names other numbers (or none of ours)
            // must be signed by an app secret configured for all of them.
            if (Array.IndexOf(_configured, signer) < 0 && intake.Items.Exists(i => i.Chip?.AppSecret != signer))
                return WebhookIntake.Refused(401, "invalid_signature", "The body names numbers of another app than the one that signed it.");

            var items = new WebhookItem[intake.Items.Count];
            string? evt = null;
            for (int n = 0; n < items.Length; n++)
            {
                var i = intake.Items[n];
                items[n] = new WebhookItem(i.DedupeKey, i.Event, i.Chip?.Id, i.Payload, i.Ignored);
                evt = evt is null || evt == i.Event ? i.Event : "batch";
            }
            evt ??= "empty";
            return WebhookIntake.Accepted(evt, items);
        }
    }

    public ValueTask<InboundEvent> ReadAsync(string evt, JsonElement payload, DateTimeOffset now, CancellationToken ct) =>
        ValueTask.FromResult(MetaPayload.Read(evt, payload));

    /// <summary>The body's bytes signed as Meta signs them (for simulators and tests).</summary>
    public static string Sign(string body, string secret) => MetaSignature.Sign(Encoding.UTF8.GetBytes(body), secret);
}
