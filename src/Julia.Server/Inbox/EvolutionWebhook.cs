using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Julia.Server.Inbox;

/// <summary>An Evolution webhook envelope: <c>{event, instance, data, …, apikey?}</c>.</summary>
public sealed record EvolutionEnvelope(string Event, string Instance, JsonElement Data, string? ApiKey);

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
        if (pathEvent is not null && Normalise(pathEvent) != evt) return (null, "the event in the path and in the body differ");
        if (!root.TryGetProperty("instance", out var inst) || inst.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(inst.GetString()))
            return (null, "instance is missing or not a string");
        string? apikey = null;
        if (root.TryGetProperty("apikey", out var k))
        {
            if (k.ValueKind == JsonValueKind.String) apikey = k.GetString();
            else if (k.ValueKind != JsonValueKind.Null) return (null, "apikey must be a string or null");
        }
        root.TryGetProperty("data", out var data);
        return (new EvolutionEnvelope(evt, inst.GetString()!, data, apikey), null);
    }

    /// <summary>The fields each processor relies on, with their types; null when the event is usable.</summary>
    public static string? Validate(EvolutionEnvelope e)
    {
        var d = e.Data;
        if (d.ValueKind != JsonValueKind.Object) return "data must be an object";
        switch (e.Event)
        {
            case Upsert:
                if (!d.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object) return "data.key must be an object";
                if (!Filled(key, "remoteJid")) return "data.key.remoteJid must be a non-empty string";
                if (!Filled(key, "id")) return "data.key.id must be a non-empty string";
                if (!key.TryGetProperty("fromMe", out var fm) || fm.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return "data.key.fromMe must be a boolean";
                if (Str(key, "remoteJid")!.EndsWith("@lid") && Str(key, "remoteJidAlt") is null && !fm.GetBoolean()) return "data.key.remoteJidAlt is required for a LID contact";
                if (Timestamp(d) is null) return "data.messageTimestamp must be a Unix time";
                if (d.TryGetProperty("message", out var msg) && msg.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) return "data.message must be an object";
                return null;
            case Update:
                if (!Filled(d, "keyId")) return "data.keyId must be a non-empty string";
                if (Str(d, "status") is not { } st || !ReceiptStatuses.Contains(st)) return "data.status must be one of " + string.Join(", ", ReceiptStatuses);
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

    /// <summary>The same event delivered again maps to the same key.</summary>
    public static string DedupeKey(EvolutionEnvelope e, ReadOnlySpan<byte> body) => e.Event switch
    {
        Upsert => $"evo:upsert:{e.Instance}:{Str(e.Data.GetProperty("key"), "id")}",
        Update => $"evo:update:{e.Instance}:{Str(e.Data, "keyId")}:{Str(e.Data, "status")!.ToUpperInvariant()}",
        Send => $"evo:send:{e.Instance}:{Str(e.Data.GetProperty("key"), "id")}",
        _ => $"evo:{e.Event}:{e.Instance}:{Convert.ToHexStringLower(SHA256.HashData(body))}",
    };

    /// <summary>Events we do not act on: groups, status broadcasts, our own messages echoed back.</summary>
    public static bool Ignorable(EvolutionEnvelope e)
    {
        if (e.Event != Upsert) return false;
        var key = e.Data.GetProperty("key");
        var jid = Str(key, "remoteJid")!;
        return key.GetProperty("fromMe").GetBoolean() || jid.EndsWith("@g.us") || jid.EndsWith("@broadcast") || jid.EndsWith("@newsletter");
    }

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
