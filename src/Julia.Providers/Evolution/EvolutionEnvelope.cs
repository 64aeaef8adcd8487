using System.Security.Cryptography;
using System.Text.Json;

namespace Julia.Providers.Evolution;

/// <summary>An Evolution webhook envelope: <c>{event, instance, data, …, apikey?}</c>.</summary>
/// <param name="PathEvent">The event named in the URL (<c>/webhooks/evolution/{event}</c>, Evolution's webhook-by-events), if any.</param>
public sealed record EvolutionEnvelope(string Event, string Instance, JsonElement Data, string? ApiKey, string? PathEvent = null)
{
    public const string Upsert = "messages.upsert", Update = "messages.update", Send = "send.message",
                        Connection = "connection.update", QrCode = "qrcode.updated";

    public static readonly HashSet<string> Known = [Upsert, Update, Send, Connection, QrCode];
    static readonly HashSet<string> ReceiptStatuses = new(["ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED", "DELETED"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>MESSAGES_UPSERT, messages-upsert and messages.upsert are one event.</summary>
    public static string Normalise(string name) => name.Trim().ToLowerInvariant().Replace('_', '.').Replace('-', '.');

    /// <summary>The envelope of a body, or why the body is not an Evolution event (answered 400, so Evolution does not retry it).</summary>
    public static (EvolutionEnvelope? Envelope, string? Error) Parse(JsonElement root, string? pathEvent)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, "the body must be a JSON object");
        string? evt = root.TryGetProperty("event", out var e) ? (e.ValueKind == JsonValueKind.String ? e.GetString() : null) : pathEvent;
        if (root.TryGetProperty("event", out e) && e.ValueKind != JsonValueKind.String) return (null, "event must be a string");
        if (string.IsNullOrWhiteSpace(evt)) return (null, "event is missing");
        evt = Normalise(evt);
        if (!root.TryGetProperty("instance", out var inst) || inst.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(inst.GetString()))
            return (null, "instance is missing or not a string");
        string? apikey = null;
        if (root.TryGetProperty("apikey", out var k))
        {
            if (k.ValueKind == JsonValueKind.String) apikey = k.GetString();
            else if (k.ValueKind != JsonValueKind.Null) return (null, "apikey must be a string or null");
        }
        root.TryGetProperty("data", out var data);
        return (new EvolutionEnvelope(evt, inst.GetString()!, data, apikey, pathEvent is null ? null : Normalise(pathEvent)), null);
    }

    /// <summary>
    /// Why a stored event will not be acted on (null when it will): an event we do not use, a group or
    /// broadcast, an edit or deletion, or a field we need missing or of the wrong type. Our own message echoed back is
    /// read (it settles a send in doubt). Such events are still answered 200 and kept as ignored with this reason: the
    /// body is valid and authentic, so Evolution must not retry it, and an operator can see it.
    /// </summary>
    public string? IgnoreReason()
    {
        if (PathEvent is not null && PathEvent != Event) return "the event in the path and in the body differ";
        if (!Known.Contains(Event)) return "event not used";
        var d = Data;
        if (d.ValueKind != JsonValueKind.Object) return "data must be an object";
        switch (Event)
        {
            case Upsert:
                if (!d.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object) return "data.key must be an object";
                if (!Filled(key, "remoteJid")) return "data.key.remoteJid must be a non-empty string";
                if (!Filled(key, "id")) return "data.key.id must be a non-empty string";
                if (!key.TryGetProperty("fromMe", out var fm)
                    || fm.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return "data.key.fromMe must be a boolean";
                if (EvolutionJson.Timestamp(d) is null) return "data.messageTimestamp must be a Unix time";
                if (d.TryGetProperty("message", out var msg)
                    && msg.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) return "data.message must be an object";
                return OneContact(EvolutionJson.Str(key, "remoteJid")) ? null : "group, broadcast or channel";
            case Update:
                if (EvolutionReceipts.Id(d) is null) return "data.keyId (or data.id in Evolution v1) must be a non-empty string";
                // Edits come as updates: with no status (to 2.2), DELETED (2.3.0–2.3.4) or the edited message (2.3.7).
                if (EvolutionReceipts.Status(d) is not { } st) return "no status: an edit or a deletion, not a receipt";
                if (d.TryGetProperty("message", out var edited) && edited.ValueKind == JsonValueKind.Object && edited.TryGetProperty("editedMessage", out _))
                    return "an edit, not a receipt";
                if (st == "DELETED") return "DELETED: an edit or a deletion, not a receipt";
                if (!ReceiptStatuses.Contains(st)) return $"status {st} is not a receipt";
                // From 2.2 Evolution also reports the doctor's messages being read on our side.
                if (d.TryGetProperty("fromMe", out var mine) && mine.ValueKind == JsonValueKind.False) return "a receipt for the contact's own message";
                return null;
            case Send:
                if (!d.TryGetProperty("key", out var sk) || sk.ValueKind != JsonValueKind.Object || !Filled(sk, "id"))
                    return "data.key.id must be a non-empty string";
                return OneContact(EvolutionJson.Str(sk, "remoteJid")) ? null : "not a message to one contact";
            case Connection:
                var state = EvolutionJson.Str(d, "state");
                if (state is not ("open" or "connecting" or "close" or "refused")) return "data.state must be open, connecting, close or refused";
                if (d.TryGetProperty("statusReason", out var sr)
                    && sr.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)) return "data.statusReason must be a number";
                return null;
            default:
                return null;
        }
    }

    /// <summary>The same event delivered again maps to the same key.</summary>
    public string DedupeKey(ReadOnlySpan<byte> body, bool ignored) => (ignored ? "" : Event) switch
    {
        Upsert => $"evo:upsert:{Instance}:{EvolutionJson.Str(Data.GetProperty("key"), "id")}",
        Update => $"evo:update:{Instance}:{EvolutionReceipts.Id(Data)}:{EvolutionReceipts.Status(Data)}",
        Send => $"evo:send:{Instance}:{EvolutionJson.Str(Data.GetProperty("key"), "id")}",
        _ => $"evo:{Event}:{Instance}:{Convert.ToHexStringLower(SHA256.HashData(body))}",
    };

    /// <summary>A chat with one person: not a group, a broadcast list or a channel.</summary>
    static bool OneContact(string? jid) => jid is not null && !jid.EndsWith("@g.us", StringComparison.Ordinal)
        && !jid.EndsWith("@broadcast", StringComparison.Ordinal) && !jid.EndsWith("@newsletter", StringComparison.Ordinal);

    static bool Filled(JsonElement o, string name) => !string.IsNullOrWhiteSpace(EvolutionJson.Str(o, name));
}
