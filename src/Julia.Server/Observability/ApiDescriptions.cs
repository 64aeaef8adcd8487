using System.Text.Json.Nodes;

namespace Julia.Server.Observability;

/// <summary>
/// A summary for every operation of the API and an example body for each that takes one, keyed by
/// <c>VERB /path</c> as the OpenAPI document names them. A new endpoint belongs here too: the OpenAPI test fails
/// on an operation that has no entry.
/// </summary>
public static class ApiDescriptions
{
    public sealed record Entry(string Summary, string? Example = null);

    const string Reason = """{"reason": "número com muitas falhas de entrega"}""";

    static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        ["POST /v1/selections"] = new("Pick and reserve the chip that sends to a contact",
            """{"contact": "+5511987654321", "kind": "prospecting", "excludeChips": [12]}"""),
        ["GET /v1/selections"] = new("List selection decisions, newest first"),

        ["PUT /v1/contacts/{phone}"] = new("Record a contact's lawful basis for being contacted",
            """{"lawfulBasis": "consent", "source": "formulario-site", "name": "Dra. Ana Souza"}"""),
        ["GET /v1/contacts/{phone}"] = new("Read a contact: lawful basis, opt-out, recent volume"),
        ["POST /v1/contacts/{phone}/opt-out"] = new("Opt a contact out of the whole pool",
            """{"source": "operator", "text": "pediu para não receber mais mensagens"}"""),
        ["POST /v1/contacts/{phone}/opt-in"] = new("Opt a contact back in (a reason is required)",
            """{"reason": "voltou a aceitar contato por escrito"}"""),
        ["POST /v1/contacts/{phone}/overrides"] = new("Lift one contact's frequency cap or daily limit, with a reason",
            """{"rule": "contact_daily_limit", "reason": "retorno combinado com a doutora", "count": 1}"""),
        ["GET /v1/contacts/{phone}/overrides"] = new("List a contact's overrides"),
        ["POST /v1/contacts/{phone}/overrides/{id}/revoke"] = new("Revoke an override before it ends",
            """{"reason": "combinado desfeito"}"""),

        ["GET /v1/conversations/{phone}"] = new("Read a contact's conversation: its sticky chip and migrations"),

        ["POST /v1/chips"] = new("Register a chip (a number and its gateway instance)",
            """{"phone": "+5511912345678", "instance": "julia-sp-07", "instanceToken": "<evolution instance token>", "webhookSecret":"""
            + """ "<secret>", "provider": "evolution", "status": "pending"}"""),
        ["GET /v1/chips"] = new("List chips, optionally by status"),
        ["GET /v1/chips/{id}"] = new("Read a chip: status, trust, caps used, breaker, ramp-up stage"),
        ["GET /v1/chips/{id}/trust"] = new("Read a chip's trust history and the factors of its score"),
        ["POST /v1/chips/{id}/{action}"] = new("Pause, resume, retire or promote a chip, with a reason", Reason),
        ["GET /v1/chips/{id}/qr"] = new("Read the QR code that connects a pending chip"),

        ["GET /v1/pool"] = new("Read the pool: counts by status, health, quality gate, settings, the manager's last pass"),
        ["PUT /v1/pool/config"] = new("Replace the pool settings (sections left out take their defaults)",
            """{"targets": {"activeMin": 5, "activeMax": 10, "readyMin": 3}, "contacts": {"frequencyCap": 2, "frequencyDays": 7}}"""),
        ["POST /v1/pool/prospecting/pause"] = new("Trip the quality gate: stop prospecting on every chip", """{"reason": "sinal de spam no chip 3"}"""),
        ["POST /v1/pool/prospecting/resume"] = new("Resume prospecting after the gate tripped (a reason is required)",
            """{"reason": "conferido com o time; chip 3 pausado"}"""),

        ["GET /v1/operations"] = new("List operations: who did what, when and why"),

        ["POST /v1/messages"] = new("Queue a message to a contact (idempotent on idempotencyKey)",
            """{"contact": "+5511987654321", "kind": "followup", "text": "Oi, Dra. Ana! Conseguiu ver a vaga?", "idempotencyKey":"""
            + """ "conv-981-msg-4", "notBefore": "2026-11-24T09:00:00-03:00"}"""),
        ["GET /v1/messages/{id}"] = new("Read a message: status timeline and gateway attempts"),
        ["DELETE /v1/messages/{id}"] = new("Cancel a message that has not been sent"),

        ["GET /v1/templates"] = new("List every WABA's WhatsApp templates with their status and category (only APPROVED ones are sent)"),

        ["GET /v1/inbound"] = new("Read doctors' messages after a cursor"),

        ["GET /v1/alerts"] = new("List alerts, open ones by default"),
        ["POST /v1/alerts/{id}/resolve"] = new("Resolve an alert"),
        ["GET /v1/inbox/dead"] = new("List webhook events that could not be applied"),
        ["GET /v1/inbox/held"] = new("List webhook events held back, waiting to be applied"),
        ["POST /v1/inbox/{id}/replay"] = new("Replay a dead webhook event"),

        ["GET /v1/provisioning"] = new("List provisioning requests"),
        ["POST /v1/provisioning"] = new("Ask for one new number, under the pool's daily cap",
            """{"reason": "reserva abaixo do mínimo", "ddd": 11}"""),

        ["POST /webhooks/evolution"] = new("Take an Evolution API webhook event (authenticated by the instance's token or webhook secret)",
            """
            {"event": "messages.update", "instance": "julia-sp-07", "date_time": "2026-11-23T14:08:12.456Z", "apikey": "<instance token>",
             "data": {"keyId": "3EB0A9D8C7B6E5F40312", "remoteJid": "5511987654321@s.whatsapp.net", "fromMe": true, "status": "READ"}}
            """),
        ["POST /webhooks/evolution/{evt}"] = new("Take an Evolution API webhook event sent with its name in the path (WEBHOOK_BY_EVENTS)",
            """
            {"event": "connection.update", "instance": "julia-sp-07", "date_time": "2026-11-23T13:59:01.000Z", "apikey": "<instance token>",
             "data": {"instance": "julia-sp-07", "state": "open", "statusReason": 200}}
            """),
        ["POST /webhooks/meta"] = new("Take a WhatsApp Cloud API webhook (signed with X-Hub-Signature-256 by the Meta app's secret)",
            """
            {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "5531900000001", "phone_number_id": "106540352242922"},
              "statuses": [{"id": "wamid.HBgM", "status": "delivered", "timestamp": "1781600000", "recipient_id": "5531988887777",
                            "biz_opaque_callback_data": "outbox:42"}]}}]}]}
            """),
        ["POST /webhooks/meta/{evt}"] = new("Take a WhatsApp Cloud API webhook (the path's event name is not used by Meta)"),
        ["GET /webhooks/meta"] = new("Answer Meta's webhook subscription check (hub.mode, hub.verify_token, hub.challenge)"),
    };

    public static Entry? For(string verb, string path) => Entries.GetValueOrDefault(verb + " " + path);

    public static JsonNode? Example(Entry entry) => entry.Example is { } json ? JsonNode.Parse(json) : null;
}
