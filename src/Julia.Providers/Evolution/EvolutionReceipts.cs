using System.Text.Json;

namespace Julia.Providers.Evolution;

/// <summary>Evolution's <c>messages.update</c>: which message it is about, and its status in our words.</summary>
public static class EvolutionReceipts
{
    // Baileys' numeric acknowledgement levels, which some versions pass through unnamed.
    static readonly string[] AckNames = ["ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED"];

    /// <summary>The id of the message a receipt is about: <c>keyId</c> (v2), or <c>id</c> (v1).</summary>
    public static string? Id(JsonElement data) =>
        EvolutionJson.Str(data, "keyId") is { Length: > 0 } k && !string.IsNullOrWhiteSpace(k) ? k
        : EvolutionJson.Str(data, "id") is { } id && !string.IsNullOrWhiteSpace(id) ? id : null;

    /// <summary>A receipt's status by Evolution's name, whether sent as a name or as Baileys' number.</summary>
    public static string? Status(JsonElement data)
    {
        if (!data.TryGetProperty("status", out var s)) return null;
        if (s.ValueKind == JsonValueKind.String) return string.IsNullOrWhiteSpace(s.GetString()) ? null : s.GetString()!.Trim().ToUpperInvariant();
        if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n)) return n >= 0 && n < AckNames.Length ? AckNames[n]
            : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>Evolution's receipt status → ours (sent, delivered, read, failed); null for one that does not move a message.</summary>
    public static string? Ours(string? status) => status?.ToUpperInvariant() switch
    {
        "SERVER_ACK" => "sent",
        "DELIVERY_ACK" => "delivered",
        "READ" or "PLAYED" => "read",
        "ERROR" => "failed",
        _ => null, // PENDING, DELETED, unknown
    };
}
