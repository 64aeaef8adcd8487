using System.Text.Json;
using Julia.Domain.Phones;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Meta;

/// <summary>
/// A doctor's message (spec §4.6) as a <see cref="DoctorMessage"/>, or, for a type we do not pass on, ignored with the
/// reason. The doctor is the E.164 phone of <c>from</c> (a Brazilian <c>wa_id</c> without the ninth digit gets it back);
/// a user known only by a business-scoped id (a username, no phone shared) is held under that id, never dropped.
/// </summary>
public static class MetaInbound
{
    public static InboundEvent Read(JsonElement m, IEnumerable<JsonElement> contacts, JsonElement change)
    {
        var type = MetaJson.Str(m, "type")!;
        var id = MetaJson.Str(m, "id")!;
        var at = DateTimeOffset.FromUnixTimeSeconds(MetaJson.Seconds(m, "timestamp")!.Value);
        var (kind, text, why) = Content(type, m, change);
        if (why is not null) return new Ignored(why);

        var from = MetaJson.Str(m, "from");
        var contact = contacts.FirstOrDefault(c => from is not null && MetaJson.Str(c, "wa_id") == from);
        if (contact.ValueKind == JsonValueKind.Undefined) contact = contacts.FirstOrDefault();
        if (from is null)
            return (MetaJson.Str(m, "from_user_id") ?? MetaJson.Str(contact, "user_id")) is { } bsuid
                ? new Held(bsuid, $"doctor known only by business-scoped id {bsuid}: waiting for a phone")
                : new Unusable("a message with neither from nor a business-scoped id");
        if (!Phone.TryParseWhatsApp(from, out var phone)) return new Unusable("the sender's number is not a phone number we can read");
        return new DoctorMessage(phone, id, MetaJson.Str(MetaJson.Obj(contact, "profile"), "name"), text, kind, at);
    }

    /// <summary>What the message carries for the agent, or why it is not passed on.</summary>
    static (DoctorMessageKind Kind, string? Text, string? Ignored) Content(string type, JsonElement m, JsonElement change)
    {
        var body = MetaJson.Obj(m, type);
        switch (type)
        {
            case "text":
                return (DoctorMessageKind.Text, MetaJson.Str(body, "body"), null);
            case "image" or "video" or "audio" or "document" or "sticker":
                return (DoctorMessageKind.Media, MetaJson.Str(body, "caption"), null);
            case "button":
                // A template quick reply: the text shown, the payload naming the offer.
                return (DoctorMessageKind.Text, MetaJson.Str(body, "text") ?? MetaJson.Str(body, "payload"), null);
            case "interactive":
                var reply = MetaJson.Obj(body, "button_reply") is { ValueKind: JsonValueKind.Object } b ? b : MetaJson.Obj(body, "list_reply");
                if (reply.ValueKind == JsonValueKind.Object) return (DoctorMessageKind.Text, MetaJson.Str(reply, "title"), null);
                var (code, detail) = MetaJson.FirstError(change);
                return (default, null, body.ValueKind == JsonValueKind.Object
                    ? $"interactive reply of a kind we do not read ({string.Join(",", body.EnumerateObject().Select(p => p.Name))})"
                    : $"interactive message without its interactive object (error {code}: {detail})");
            case "reaction":
                var emoji = MetaJson.Str(body, "emoji");
                return string.IsNullOrEmpty(emoji) ? (default, null, "reaction removed") : (DoctorMessageKind.Reaction, emoji, null);
            case "location":
                return (DoctorMessageKind.Other, MetaJson.Str(body, "name") ?? MetaJson.Str(body, "address"), null);
            case "contacts":
                return (DoctorMessageKind.Other, null, null);
            case "order":
                return (default, null, "order: no catalog in our product");
            case "system":
                return (default, null, $"system message {MetaJson.Str(body, "type")}: contact changes are not applied yet");
            case "unsupported" or "unknown":
                var (c, d) = MetaJson.FirstError(m);
                return (default, null, $"{type} message ({MetaJson.Str(body, "type") ?? "no type"}; error {c}: {d})");
            case "edit" or "revoke":
                return (default, null, $"{type}: coexistence numbers only; not applied");
            default:
                return (default, null, $"message type '{type}' not used");
        }
    }
}
