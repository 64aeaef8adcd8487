using System.Text.Json;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Meta;

/// <summary>
/// WABA-level events. An account restriction, a disable (or one scheduled), a policy violation or the account's deletion
/// is a restriction of each of the WABA's chips: the chip stops, the pool gate trips, operators are alerted (spec §3.3).
/// The rest is recorded with what it said.
/// </summary>
public static class MetaAccount
{
    public static InboundEvent Read(JsonElement value)
    {
        var evt = MetaJson.Str(value, "event") ?? "none";
        switch (evt)
        {
            case "ACCOUNT_RESTRICTION":
                var kinds = MetaJson.Arr(value, "restriction_info").Select(r => $"{MetaJson.Str(r, "restriction_type")} until {Until(r)}");
                return new ChipSignal(ChipSignalKind.Restricted, $"Meta account restriction: {string.Join("; ", kinds)}");
            case "DISABLED_UPDATE":
                var ban = MetaJson.Obj(value, "ban_info");
                var state = MetaJson.Str(ban, "waba_ban_state");
                return state is "DISABLE" or "SCHEDULE_FOR_DISABLE"
                    ? new ChipSignal(ChipSignalKind.Restricted, $"Meta account {state} ({MetaJson.Str(ban, "waba_ban_date")})")
                    : new Ignored($"account {state}: recorded; the gate stays until an operator resumes it");
            case "ACCOUNT_VIOLATION":
                return new ChipSignal(ChipSignalKind.Restricted,
                    $"Meta policy violation: {MetaJson.Str(MetaJson.Obj(value, "violation_info"), "violation_type")}");
            case "ACCOUNT_DELETED":
                return new ChipSignal(ChipSignalKind.Restricted, "Meta account deleted");
            default:
                return new Ignored($"account_update event not used ({evt})");
        }
    }

    /// <summary>A restriction's end: epoch seconds in some samples, a date string in others.</summary>
    static string Until(JsonElement r) =>
        MetaJson.Seconds(r, "expiration") is { } s ? DateTimeOffset.FromUnixTimeSeconds(s).ToString("u") : MetaJson.Str(r, "expiration") ?? "unknown";

    /// <summary>A management event nothing here owns yet (templates, number state, alerts): kept with what it said.</summary>
    public static InboundEvent Recorded(string field, JsonElement value)
    {
        var said = string.Join(", ", value.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            .Select(p => $"{p.Name}={Short(p.Value)}")
            .Where(s => !s.StartsWith("display_phone_number=", StringComparison.Ordinal))
            .Take(6));
        return new Ignored($"{field} recorded, not applied yet: {said}");
    }

    static string Short(JsonElement v)
    {
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return s.Length > 60 ? s[..60] : s;
    }
}
