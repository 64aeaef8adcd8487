using System.Text.Json;
using Julia.Providers.Meta;

namespace Julia.Benchmarks;

/// <summary>
/// Bodies of <c>POST /webhooks/meta</c> as Meta sends them (spec §4; the corpus in tests/Julia.Server.Tests/Payloads/meta):
/// one entry and one <c>messages</c> change, non-ASCII escaped as <c>\uXXXX</c> (System.Text.Json's default, as Meta's),
/// signed with the chip's app secret over the bytes sent.
/// </summary>
public sealed record MetaBenchChip(string PhoneNumberId, string Display, string Waba, string AppSecret)
{
    const string Doctor = "5511987650000";

    /// <summary>One status (odd <paramref name="n"/>) or one doctor's text message (even), each with its own id.</summary>
    public WebhookPost One(long n) => Signed(Body(n % 2 == 1
        ? Change(statuses: [Delivered($"wamid.HBgNNTUxMTk4NzY1MDAwMBUCABEYEjBENCH{n:X16}AA==", n)])
        : Change(contacts: [new { profile = new { name = "Dra. Bench" }, wa_id = Doctor }],
                 messages: [new
                 {
                     from = Doctor,
                     id = $"wamid.HBgNNTUxMTk4NzY1MDAwMBUCABIYFDNBENCH{n:X16}AA==",
                     timestamp = (1_781_600_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
                     type = "text",
                     text = new { body = "Oi, tenho interesse no plantão" },
                 }])));

    /// <summary>One body carrying <paramref name="count"/> statuses in one change, as Meta batches them; their ids start with <paramref name="tag"/>.</summary>
    public HttpRequestMessage Batch(string tag, int count) =>
        Signed(Body(Change(statuses: Enumerable.Range(0, count).Select(i => Delivered($"wamid.{tag}{i:D6}AA==", i)).ToArray()))).Request();

    /// <summary>How the status ids of <see cref="Batch"/> are kept in the inbox's dedupe keys.</summary>
    public string BatchKeyPrefix(string tag) => $"meta:status:{PhoneNumberId}:wamid.{tag}";

    static object Delivered(string id, long n) => new
    {
        id,
        status = "delivered",
        timestamp = (1_781_600_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
        recipient_id = Doctor,
        conversation = new { id = "c0a8f2b1d3e4f5a6b7c8d9e0f1a2b3c4", origin = new { type = "utility" } },
        pricing = new { billable = true, pricing_model = "PMP", type = "regular", category = "utility" },
    };

    object Change(object[]? statuses = null, object[]? contacts = null, object[]? messages = null)
    {
        var value = new Dictionary<string, object>
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new { display_phone_number = Display, phone_number_id = PhoneNumberId },
        };
        if (contacts is not null) value["contacts"] = contacts;
        if (messages is not null) value["messages"] = messages;
        if (statuses is not null) value["statuses"] = statuses;
        return new { value, field = "messages" };
    }

    byte[] Body(object change) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @object = "whatsapp_business_account",
        entry = new[] { new { id = Waba, changes = new[] { change } } },
    });

    WebhookPost Signed(byte[] body) => new("webhooks/meta", body, MetaSignature.Header, MetaSignature.Sign(body, AppSecret));
}
