using System.Text.Json;

namespace Julia.Providers.Evolution;

/// <summary>Reading the few value shapes Evolution's payloads use, without trusting their types.</summary>
internal static class EvolutionJson
{
    public static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary><c>messageTimestamp</c> as Unix seconds: a number, or a string of one (protobuf's JSON for a long).</summary>
    public static long? Timestamp(JsonElement data)
    {
        if (!data.TryGetProperty("messageTimestamp", out var t)) return null;
        if (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) && n > 0) return n;
        if (t.ValueKind == JsonValueKind.String && long.TryParse(t.GetString(), out n) && n > 0) return n;
        return null;
    }
}
