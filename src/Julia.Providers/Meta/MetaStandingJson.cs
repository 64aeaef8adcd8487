using System.Globalization;
using System.Text.Json;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Meta;

/// <summary>
/// Meta's words about a number's standing, read across Graph versions (spec §2.6–2.7, §4.7): the phone number's fields
/// as polled, and the <c>phone_number_quality_update</c> webhook (which since 2025 carries no colour: throughput and
/// limit events, plus the legacy FLAGGED/UNFLAGGED/UPGRADE/DOWNGRADE). Tolerant: an unknown word is unknown, a wrong
/// type is absent, never an exception.
/// </summary>
public static class MetaStandingJson
{
    /// <summary>The fields the poll asks for: the current ones and the legacy tier (older numbers, older docs).</summary>
    public const string Fields = "quality_rating,health_status,throughput,whatsapp_business_manager_messaging_limit,messaging_limit_tier,status,name_status";

    /// <summary>Throughput by Meta's level: STANDARD is 80 messages per second, HIGH (after the automatic upgrade) 1,000.</summary>
    public const int Standard = 80, High = 1000;

    public static MetaPhoneStanding Parse(JsonElement root)
    {
        // v24+ names the colour quality_rating; a few older answers and SDKs carry quality_score {score}.
        var quality = Quality(MetaJson.Str(root, "quality_rating") ?? MetaJson.Str(MetaJson.Obj(root, "quality_score"), "score"));
        var health = MetaJson.Obj(root, "health_status");
        var can = MetaJson.Str(health, "can_send_message");
        string? detail = null;
        foreach (var entity in MetaJson.Arr(health, "entities"))
        {
            var state = MetaJson.Str(entity, "can_send_message");
            if (state is not ("LIMITED" or "BLOCKED")) continue;
            var error = MetaJson.Arr(entity, "errors").FirstOrDefault();
            var said = MetaJson.Str(error, "error_description") ?? MetaJson.Arr(entity, "additional_info").Select(i => i.ValueKind == JsonValueKind.String
                ? i.GetString() : null).FirstOrDefault(i => i is not null);
            var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error_code", out var c) ? " " + c.ToString() : "";
            detail = $"{MetaJson.Str(entity, "entity_type") ?? "entity"} {state}{code}: {said ?? "no reason given"}";
            if (state == "BLOCKED") break;
        }
        can ??= detail is null ? null : detail.Contains(" BLOCKED", StringComparison.Ordinal) ? "BLOCKED" : "LIMITED";
        return new MetaPhoneStanding(quality, can is "AVAILABLE" or "LIMITED" or "BLOCKED" ? can : null, detail,
            Tier(MetaJson.Obj(root, "whatsapp_business_manager_messaging_limit") is { ValueKind: JsonValueKind.Object } o ? FirstTier(o)
                 : Value(root, "whatsapp_business_manager_messaging_limit")) ?? Tier(Value(root, "messaging_limit_tier")),
            Throughput(root), MetaJson.Str(root, "status"));
    }

    public static MetaPhoneStanding Parse(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return Parse(doc.RootElement);
    }

    /// <summary>
    /// <c>phone_number_quality_update</c> as a standing report. FLAGGED (legacy: quality fell to low) is RED at once;
    /// DOWNGRADE, UNFLAGGED and UPGRADE say the standing moved without its colour, so the chip is polled soon;
    /// THROUGHPUT_UPGRADE raises the throughput to 1,000/s; the limit comes from <c>current_limit</c> (or the newer
    /// <c>max_daily_conversations_per_business</c>), a tier name or an integer.
    /// </summary>
    public static InboundEvent QualityUpdate(JsonElement value)
    {
        var evt = MetaJson.Str(value, "event") ?? "none";
        var limit = Tier(Value(value, "current_limit")) ?? Tier(Value(value, "max_daily_conversations_per_business"));
        return new StandingReported(
            Quality: evt == "FLAGGED" ? "RED" : null, Health: null, HealthDetail: null, MessagingLimit: limit,
            ThroughputPerSecond: evt == "THROUGHPUT_UPGRADE" ? High : null,
            PollSoon: evt is "FLAGGED" or "UNFLAGGED" or "DOWNGRADE" or "UPGRADE",
            Detail: $"phone_number_quality_update {evt}" + (limit is null ? "" : $" ({limit})"));
    }

    static string? Quality(string? s) => s switch
    {
        null => null,
        "GREEN" or "HIGH" => "GREEN",
        "YELLOW" or "MEDIUM" => "YELLOW",
        "RED" or "LOW" => "RED",
        _ => "UNKNOWN", // NA, UNKNOWN, anything new
    };

    /// <summary>STANDARD / HIGH as <c>{"level"}</c> or a bare string; NOT_APPLICABLE and unknown levels are absent.</summary>
    static int? Throughput(JsonElement root)
    {
        var level = MetaJson.Str(MetaJson.Obj(root, "throughput"), "level") ?? MetaJson.Str(root, "throughput");
        return level switch { "STANDARD" => Standard, "HIGH" => High, _ => null };
    }

    /// <summary>A string or a number, as text.</summary>
    static string? Value(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    static string? FirstTier(JsonElement o) =>
        o.EnumerateObject().Select(p => p.Value.ValueKind switch
        {
            JsonValueKind.String => p.Value.GetString(),
            JsonValueKind.Number => p.Value.GetRawText(),
            _ => null,
        }).Select(Tier).FirstOrDefault(t => t is not null);

    /// <summary>
    /// A tier as our column keeps it (<c>TIER_250</c>, <c>TIER_2K</c>, <c>TIER_UNLIMITED</c>): Meta's names, bare numbers
    /// (<c>2000</c>; −1 is unlimited), or names without the prefix. NOT_SET and anything unreadable are absent.
    /// </summary>
    public static string? Tier(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        s = s.Trim().ToUpperInvariant();
        if (s.StartsWith("TIER_", StringComparison.Ordinal)) s = s[5..];
        if (s == "UNLIMITED") return "TIER_UNLIMITED";
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return n == -1 ? "TIER_UNLIMITED" : n <= 0 ? null : n % 1000 == 0 ? $"TIER_{n / 1000}K" : $"TIER_{n}";
        return s.Length > 0 && s.All(ch => char.IsAsciiDigit(ch) || char.IsAsciiLetterUpper(ch)) && char.IsAsciiDigit(s[0]) ? "TIER_" + s : null;
    }
}
