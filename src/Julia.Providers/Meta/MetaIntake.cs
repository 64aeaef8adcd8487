using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Julia.Domain.Phones;

namespace Julia.Providers.Meta;

/// <summary>
/// A Meta body cut into the items we keep, each routed to its chip by the key its field carries (spec §4.3):
/// <c>metadata.phone_number_id</c> for <c>messages</c> and <c>user_preferences</c>; the display number for quality, name
/// and security events; <c>entry.id</c> (or <c>waba_info.waba_id</c> on partner events) for the WABA's fields, applied to
/// every chip of the WABA (one item each); <c>entity_type</c> + <c>entity_id</c> for account alerts. Every entry, change,
/// message and status of a batch becomes an item. An item for no chip of ours, a field we do not use, or one that lacks
/// what reading it needs is kept as ignored with the reason.
/// </summary>
internal sealed class MetaIntake(IMetaChips chips)
{
    public const string Message = "message", Status = "status", Errors = "errors", Failure = "failure", Preference = "user_preference",
        MarketingStop = "marketing_stop", WindowClosed = "window_closed";

    /// <summary>Fields applied to every chip of a WABA.</summary>
    static readonly HashSet<string> WabaFields =
    [
        "account_update", "account_review_update", "business_capability_update", "message_template_status_update",
        "message_template_quality_update", "message_template_components_update", "template_category_update",
    ];

    static readonly HashSet<string> DisplayFields = ["phone_number_quality_update", "phone_number_name_update", "security"];

    /// <summary>Fields a Meta app may send that say nothing we act on.</summary>
    static readonly Dictionary<string, string> Unused = new()
    {
        ["message_template_components_update"] = "field not used (template text is synced from the WABA)",
        ["smb_message_echoes"] = "coexistence echo of a message sent from the WhatsApp Business app: not ours to apply",
        ["smb_app_state_sync"] = "coexistence state sync: not used",
        ["history"] = "coexistence history: not used",
    };

    public sealed record Routed(string DedupeKey, string Event, MetaChip? Chip, string Payload, string? Ignored);

    public readonly List<Routed> Items = [];

    /// <summary>Cuts and routes the body: null, or why it is not a Meta webhook body at all.</summary>
    public async ValueTask<string?> ReadAsync(JsonElement root, CancellationToken ct)
    {
        if (root.ValueKind != JsonValueKind.Object) return "the body must be a JSON object";
        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return "entry must be an array";
        var obj = MetaJson.Str(root, "object");
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) return "every entry must be an object";
            var entryId = MetaJson.Id(entry, "id") ?? "";
            long? time = MetaJson.Seconds(entry, "time");
            int n = 0;
            foreach (var change in MetaJson.Arr(entry, "changes"))
            {
                n++;
                if (obj != "whatsapp_business_account")
                {
                    Add(Hash("object", entryId, time, change), "object", null, Wrap("object", entryId, time, ("value", change)), $"object '{obj}' not used");
                    continue;
                }
                await ChangeAsync(entryId, time, change, ct);
            }
            if (n == 0) Add(Hash("entry", entryId, time, entry), "entry", null, Wrap("entry", entryId, time, ("value", entry)), "entry without changes");
        }
        return null;
    }

    async ValueTask ChangeAsync(string entryId, long? time, JsonElement change, CancellationToken ct)
    {
        var field = MetaJson.Str(change, "field");
        var value = MetaJson.Obj(change, "value");
        if (field is null || value.ValueKind != JsonValueKind.Object)
        {
            Add(Hash(field ?? "change", entryId, time, change), field ?? "change", null, Wrap(field ?? "change", entryId, time, ("value", change)),
                "a change needs a field and a value object");
            return;
        }
        // Meta's own example sends template quality keys under the status field: the keys say which it is.
        if (field == "message_template_status_update" && value.TryGetProperty("new_quality_score", out _)) field = "message_template_quality_update";

        if (field is "messages" or "user_preferences" or "smb_message_echoes" or "history" or "smb_app_state_sync")
        {
            var pnid = MetaJson.Id(MetaJson.Obj(value, "metadata"), "phone_number_id");
            var chip = pnid is null ? null : await chips.ByPhoneNumberIdAsync(pnid, ct);
            string? unknown = pnid is null ? "metadata.phone_number_id is missing" : chip is null ? $"no chip has phone number id {pnid}" : null;
            if (unknown is not null || Unused.ContainsKey(field))
            {
                Add(Hash(field, entryId, time, value), field, chip, Wrap(field, entryId, time, ("value", value)), unknown ?? Unused[field]);
                return;
            }
            if (field == "user_preferences") { Preferences(entryId, time, value, chip!); return; }
            Messages(entryId, time, value, chip!);
            return;
        }

        IReadOnlyList<MetaChip> targets;
        string who;
        if (DisplayFields.Contains(field))
        {
            var digits = MetaJson.Id(value, "display_phone_number");
            var chip = digits is null ? null : await chips.ByDisplayNumberAsync(digits, ct);
            targets = chip is null ? [] : [chip];
            who = digits is null ? "display_phone_number is missing" : $"no chip has display number {Phone.Mask("+" + digits)}";
        }
        else if (field == "account_alerts" && MetaJson.Str(value, "entity_type") == "BUSINESS" && MetaJson.Id(value, "entity_id") is { } portfolio)
        {
            targets = await chips.ByPortfolioAsync(portfolio, ct);
            who = $"no chip in business portfolio {portfolio}";
        }
        else
        {
            // Partner events name a partner's portfolio in entry.id and the WABA in waba_info.
            var waba = MetaJson.Id(MetaJson.Obj(value, "waba_info"), "waba_id") ?? entryId;
            targets = waba.Length == 0 ? [] : await chips.ByWabaAsync(waba, ct);
            who = $"no chip in WABA {waba}";
        }
        string? ignored = WabaFields.Contains(field) || DisplayFields.Contains(field) || field == "account_alerts"
            ? Unused.GetValueOrDefault(field)
            : $"field '{field}' not used";
        var payload = Wrap(field, entryId, time, ("value", value));
        var hash = Hash(field, entryId, time, value);
        if (targets.Count == 0) Add(hash, field, null, payload, who);
        foreach (var chip in targets) Add($"{hash}:{chip.Id}", field, chip, payload, ignored);
    }

    void Messages(string entryId, long? time, JsonElement value, MetaChip chip)
    {
        value.TryGetProperty("metadata", out var metadata);
        value.TryGetProperty("contacts", out var contacts);
        int items = 0;
        foreach (var m in MetaJson.Arr(value, "messages"))
        {
            items++;
            var id = MetaJson.Str(m, "id");
            string? why = id is null ? "messages[].id must be a string" : MetaJson.Str(m, "type") is null ? "messages[].type must be a string"
                : MetaJson.Seconds(m, "timestamp") is null ? "messages[].timestamp must be Unix seconds" : null;
            // An item that says its own errors (an interactive message without its object, value.errors beside it) keeps them.
            Add(id is null ? Hash(Message, entryId, time, m) : $"meta:msg:{chip.PhoneNumberId}:{id}", Message, chip,
                Wrap("messages", entryId, time, ("metadata", metadata), ("contacts", contacts), ("message", m), ("errors", Errs(value))), why);
        }
        foreach (var s in MetaJson.Arr(value, "statuses"))
        {
            items++;
            var id = MetaJson.Str(s, "id");
            var status = MetaJson.Str(s, "status");
            string? why = id is null ? "statuses[].id must be a string" : status is null ? "statuses[].status must be a string" : null;
            var payload = Wrap("messages", entryId, time, ("metadata", metadata), ("status", s));
            Add(why is null ? $"meta:status:{chip.PhoneNumberId}:{id}:{status}" : Hash(Status, entryId, time, s), Status, chip, payload, why);
            var failed = why is null && status == "failed" ? MetaJson.FirstError(s).Code : null;
            // A failure that is about the number (a limit, a restriction) is also a signal for its chip (spec §3.1: errors arrive after a 200).
            if (failed is { } code && MetaErrors.Rule(code) is { Action: MetaAction.CoolChip or MetaAction.PauseChip or MetaAction.TripPoolGate })
                Add($"meta:failure:{chip.PhoneNumberId}:{id}", Failure, chip, payload, null);
            // 131050: the doctor stopped promotions; it applies to the contact on every chip, like user_preferences.
            if (failed == 131050) Add($"meta:marketing_stop:{chip.PhoneNumberId}:{id}", MarketingStop, chip, payload, null);
            // 131047: Meta holds the doctor's window on this chip closed, whatever our copy says; it applies to the contact's window.
            if (failed == 131047) Add($"meta:window_closed:{chip.PhoneNumberId}:{id}", WindowClosed, chip, payload, null);
        }
        if (items == 0)
            Add(Hash(Errors, entryId, time, value), Errors, chip, Wrap("messages", entryId, time, ("metadata", metadata), ("errors", Errs(value))),
                value.TryGetProperty("errors", out _) ? null : "a messages change with no messages, statuses or errors");
    }

    void Preferences(string entryId, long? time, JsonElement value, MetaChip chip)
    {
        int items = 0;
        foreach (var p in MetaJson.Arr(value, "user_preferences"))
        {
            items++;
            Add(Hash(Preference, entryId, time, p), Preference, chip, Wrap("user_preferences", entryId, time, ("preference", p)),
                MetaJson.Str(p, "category") is null || MetaJson.Str(p, "value") is null ? "user_preferences[] needs a category and a value" : null);
        }
        if (items == 0) Add(Hash(Preference, entryId, time, value), Preference, chip, Wrap("user_preferences", entryId, time, ("value", value)),
            "no user_preferences[]");
    }

    static JsonElement Errs(JsonElement value) => value.TryGetProperty("errors", out var e) ? e : default;

    void Add(string key, string evt, MetaChip? chip, string payload, string? ignored) => Items.Add(new(key, evt, chip, payload, ignored));

    /// <summary>Management items are deduplicated by (field, entry.id, time, value), as Meta redelivers them byte for byte.</summary>
    static string Hash(string field, string entryId, long? time, JsonElement value) =>
        $"meta:{field}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{field}\n{entryId}\n{time}\n{value.GetRawText()}")))}";

    // One buffer and writer per thread, for every item of every body: a fresh stream per item cost some 7 KB of garbage each,
    // and a buffer per body still 1.3 KB. Safe across the intake's awaits: Wrap does not await, and its result is a string.
    [ThreadStatic] static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] static Utf8JsonWriter? _writer;

    /// <summary>The stored form of one item: its field, entry id and time beside the parts of the change it needs.</summary>
    static string Wrap(string field, string entryId, long? time, params (string Name, JsonElement Value)[] parts)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("field", field);
        w.WriteString("entry", entryId);
        if (time is { } t) w.WriteNumber("time", t);
        foreach (var (name, value) in parts)
        {
            if (value.ValueKind == JsonValueKind.Undefined) continue;
            w.WritePropertyName(name);
            // The part's bytes as they came (already valid JSON: the body parsed), copied rather than written token by token.
            w.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
        }
        w.WriteEndObject();
        w.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

}
