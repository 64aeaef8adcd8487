using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Julia.Server.Inbox;

/// <summary>An Evolution webhook envelope: <c>{event, instance, data, …, apikey?}</c>.</summary>
/// <param name="PathEvent">The event named in the URL (<c>/webhooks/evolution/{event}</c>, Evolution's webhook-by-events), if any.</param>
public sealed record EvolutionEnvelope(string Event, string Instance, JsonElement Data, string? ApiKey, string? PathEvent = null);

/// <summary>
/// Reads and checks Evolution webhooks before anything is stored: a body that can never be processed
/// is refused with a 4xx (Evolution stops retrying), so the inbox holds only events its processors can read.
/// </summary>
public static class EvolutionWebhook
{
    public const string Upsert = "messages.upsert", Update = "messages.update", Send = "send.message",
                        Connection = "connection.update", QrCode = "qrcode.updated";

    public static readonly HashSet<string> Known = [Upsert, Update, Send, Connection, QrCode];
    static readonly HashSet<string> ReceiptStatuses = new(["ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED", "DELETED"], StringComparer.OrdinalIgnoreCase);

    /// <summary>MESSAGES_UPSERT, messages-upsert and messages.upsert are one event.</summary>
    public static string Normalise(string name) => name.Trim().ToLowerInvariant().Replace('_', '.').Replace('-', '.');

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
    /// broadcast, our own message echoed back, an edit or deletion, or a field we need missing or of
    /// the wrong type. Such events are still answered 200 and kept as ignored with this reason: the
    /// body is valid and authentic, so Evolution must not retry it, and an operator can see it.
    /// </summary>
    public static string? IgnoreReason(EvolutionEnvelope e)
    {
        if (e.PathEvent is not null && e.PathEvent != e.Event) return "the event in the path and in the body differ";
        if (!Known.Contains(e.Event)) return "event not used";
        var d = e.Data;
        if (d.ValueKind != JsonValueKind.Object) return "data must be an object";
        switch (e.Event)
        {
            case Upsert:
                if (!d.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object) return "data.key must be an object";
                if (!Filled(key, "remoteJid")) return "data.key.remoteJid must be a non-empty string";
                if (!Filled(key, "id")) return "data.key.id must be a non-empty string";
                if (!key.TryGetProperty("fromMe", out var fm) || fm.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return "data.key.fromMe must be a boolean";
                if (Timestamp(d) is null) return "data.messageTimestamp must be a Unix time";
                if (d.TryGetProperty("message", out var msg) && msg.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) return "data.message must be an object";
                var jid = Str(key, "remoteJid")!;
                if (fm.GetBoolean()) return "our own message";
                if (jid.EndsWith("@g.us") || jid.EndsWith("@broadcast") || jid.EndsWith("@newsletter")) return "group, broadcast or channel";
                return null;
            case Update:
                if (ReceiptId(d) is null) return "data.keyId (or data.id in Evolution v1) must be a non-empty string";
                // Edits come as updates: with no status (to 2.2), DELETED (2.3.0–2.3.4) or the edited message (2.3.7).
                if (ReceiptStatus(d) is not { } st) return "no status: an edit or a deletion, not a receipt";
                if (d.TryGetProperty("message", out var edited) && edited.ValueKind == JsonValueKind.Object && edited.TryGetProperty("editedMessage", out _))
                    return "an edit, not a receipt";
                if (st == "DELETED") return "DELETED: an edit or a deletion, not a receipt";
                if (!ReceiptStatuses.Contains(st)) return $"status {st} is not a receipt";
                // From 2.2 Evolution also reports the doctor's messages being read on our side.
                if (d.TryGetProperty("fromMe", out var mine) && mine.ValueKind == JsonValueKind.False) return "a receipt for the contact's own message";
                return null;
            case Send:
                return d.TryGetProperty("key", out var sk) && Filled(sk, "id") ? null : "data.key.id must be a non-empty string";
            case Connection:
                var state = Str(d, "state");
                if (state is not ("open" or "connecting" or "close" or "refused")) return "data.state must be open, connecting, close or refused";
                if (d.TryGetProperty("statusReason", out var sr) && sr.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)) return "data.statusReason must be a number";
                return null;
            default:
                return null;
        }
    }

    /// <summary>The id of the message a receipt is about: <c>keyId</c> (v2), or <c>id</c> (v1).</summary>
    public static string? ReceiptId(JsonElement data) =>
        Str(data, "keyId") is { Length: > 0 } k && !string.IsNullOrWhiteSpace(k) ? k : Str(data, "id") is { } id && !string.IsNullOrWhiteSpace(id) ? id : null;

    // Baileys' numeric acknowledgement levels, which some versions pass through unnamed.
    static readonly string[] AckNames = ["ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED"];

    /// <summary>A receipt's status by name, whether sent as a name or as Baileys' number.</summary>
    public static string? ReceiptStatus(JsonElement data)
    {
        if (!data.TryGetProperty("status", out var s)) return null;
        if (s.ValueKind == JsonValueKind.String) return string.IsNullOrWhiteSpace(s.GetString()) ? null : s.GetString()!.Trim().ToUpperInvariant();
        if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n)) return n >= 0 && n < AckNames.Length ? AckNames[n] : n.ToString();
        return null;
    }

    /// <summary>The same event delivered again maps to the same key.</summary>
    public static string DedupeKey(EvolutionEnvelope e, ReadOnlySpan<byte> body, bool ignored) => (ignored ? "" : e.Event) switch
    {
        Upsert => $"evo:upsert:{e.Instance}:{Str(e.Data.GetProperty("key"), "id")}",
        Update => $"evo:update:{e.Instance}:{ReceiptId(e.Data)}:{ReceiptStatus(e.Data)}",
        Send => $"evo:send:{e.Instance}:{Str(e.Data.GetProperty("key"), "id")}",
        _ => $"evo:{e.Event}:{e.Instance}:{Convert.ToHexStringLower(SHA256.HashData(body))}",
    };

    static bool Filled(JsonElement o, string name) => !string.IsNullOrWhiteSpace(Str(o, name));

    public static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Timestamp(JsonElement data)
    {
        if (!data.TryGetProperty("messageTimestamp", out var t)) return null;
        if (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) && n > 0) return n;
        if (t.ValueKind == JsonValueKind.String && long.TryParse(t.GetString(), out n) && n > 0) return n;
        return null;
    }

    /// <summary>Constant-time check of the instance's secret header, or of Evolution's HS256 webhook JWT.</summary>
    public static bool Authentic(string? secretHeader, string? authorization, string secret, DateTimeOffset now)
    {
        var expected = Encoding.UTF8.GetBytes(secret);
        if (secretHeader is not null) return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretHeader), expected);
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var parts = authorization[7..].Trim().Split('.');
        if (parts.Length != 3) return false;
        try
        {
            var header = JsonDocument.Parse(FromB64Url(parts[0])).RootElement;
            if (Str(header, "alg") != "HS256") return false;
            var sig = HMACSHA256.HashData(expected, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(sig, FromB64Url(parts[2]))) return false;
            var payload = JsonDocument.Parse(FromB64Url(parts[1])).RootElement;
            return !payload.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || exp.GetInt64() >= now.ToUnixTimeSeconds() - 60;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return false; }
    }

    static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
