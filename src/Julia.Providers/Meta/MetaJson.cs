using System.Globalization;
using System.Text.Json;

namespace Julia.Providers.Meta;

/// <summary>Reading Meta's values without trusting their types: ids and timestamps come as strings or numbers by version.</summary>
internal static class MetaJson
{
    public static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A string, or a number written as its digits (ids such as <c>entity_id</c> and <c>message_template_id</c>).</summary>
    public static string? Id(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    public static JsonElement Obj(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    public static IEnumerable<JsonElement> Arr(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    /// <summary>Unix seconds as a string (<c>messages[].timestamp</c>) or a number (<c>entry.time</c>).</summary>
    public static long? Seconds(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var t)) return null;
        if (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) && n > 0) return n;
        if (t.ValueKind == JsonValueKind.String && long.TryParse(t.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n) && n > 0) return n;
        return null;
    }

    /// <summary>The first <c>errors[]</c> entry's code and text (2022: the text in <c>title</c>; later in <c>error_data.details</c>; legacy
    /// <c>details</c>).</summary>
    public static (int? Code, string? Text) FirstError(JsonElement holder)
    {
        foreach (var e in Arr(holder, "errors"))
        {
            int? code = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number
                && c.TryGetInt32(out var n) ? n : null;
            var text = Str(Obj(e, "error_data"), "details") ?? Str(e, "details") ?? Str(e, "message") ?? Str(e, "title");
            return (code, text);
        }
        return (null, null);
    }
}
