using System.Text.Json;
using Julia.Domain.Phones;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Meta;

/// <summary>
/// What a stored Meta item says, read without I/O (items are cut and checked by <see cref="MetaIntake"/>). A doctor's
/// message, a status, a signal about the number or account, or, for what has no owner here yet (the template registry,
/// number state, marketing opt-outs, alerts), an ignored event whose reason records what it said.
/// </summary>
public static class MetaPayload
{
    public static InboundEvent Read(string evt, JsonElement payload) => evt switch
    {
        MetaIntake.Message => MetaInbound.Read(payload.GetProperty("message"), MetaJson.Arr(payload, "contacts"), payload),
        MetaIntake.Status => Status(payload.GetProperty("status")),
        MetaIntake.Failure => Signal(MetaJson.FirstError(payload.GetProperty("status")), "failed status"),
        MetaIntake.Errors => Signal(MetaJson.FirstError(payload), "value.errors"),
        MetaIntake.Preference => Preference(payload.GetProperty("preference")),
        MetaIntake.MarketingStop => MarketingStopped(payload.GetProperty("status")),
        MetaIntake.WindowClosed => Closed(payload.GetProperty("status")),
        "account_update" => MetaAccount.Read(payload.GetProperty("value")),
        "phone_number_quality_update" => MetaStandingJson.QualityUpdate(payload.GetProperty("value")),
        "message_template_status_update" => MetaTemplateEvents.Status(Waba(payload), payload.GetProperty("value")),
        "template_category_update" => MetaTemplateEvents.Category(Waba(payload), payload.GetProperty("value")),
        _ => MetaAccount.Recorded(evt, payload.GetProperty("value")),
    };

    /// <summary>
    /// Meta's status in our words: sent, delivered, read (a voice note <c>played</c> is read), failed. The send is found by
    /// its wamid or by our message id echoed in <c>biz_opaque_callback_data</c>; receipts only move a message forward, so a <c>read</c> before its <c>sent</c>
    /// is applied once.
    /// </summary>
    static InboundEvent Status(JsonElement s)
    {
        var id = MetaJson.Str(s, "id")!;
        var ours = Ours(s);
        return MetaJson.Str(s, "status") switch
        {
            "sent" => new DeliveryReceipt(id, "sent", ours),
            "delivered" => new DeliveryReceipt(id, "delivered", ours),
            "read" or "played" => new DeliveryReceipt(id, "read", ours),
            "failed" => new DeliveryReceipt(id, "failed", ours, Failure(MetaJson.FirstError(s))),
            var other => new Ignored($"status '{other}' says nothing about delivery"),
        };
    }

    /// <summary>A failed status's reason, in the error table's words (131047: template required, 131050: marketing stopped…).</summary>
    static string Failure((int? Code, string? Text) error) =>
        error.Code is not { } code ? "failed: " + (error.Text ?? "no reason given")
        : MetaErrors.Rule(code)?.Result(code, error.Text).Detail ?? $"{code} {error.Text}";

    /// <summary>An error about the number (spec §3.3): it cools down, or it stops and the pool gate trips. Others are recorded.</summary>
    static InboundEvent Signal((int? Code, string? Text) error, string where)
    {
        if (error.Code is not { } code) return new Ignored($"{where} without an error code");
        var rule = MetaErrors.Rule(code);
        var detail = rule?.Result(code, error.Text).Detail ?? $"{code} {error.Text}";
        return rule switch
        {
            { Action: MetaAction.CoolChip } => new ChipSignal(ChipSignalKind.RateLimited, detail),
            { Action: MetaAction.TripPoolGate } or { Outcome: Julia.Domain.Sending.SendOutcome.SpamRestriction } =>
            new ChipSignal(ChipSignalKind.Restricted, detail),
            _ => new Ignored($"{where}: {detail}"),
        };
    }

    /// <summary>The WABA an item came from: <c>waba_info.waba_id</c> on partner events, else the entry's id.</summary>
    static string Waba(JsonElement payload) =>
        MetaJson.Id(MetaJson.Obj(MetaJson.Obj(payload, "value"), "waba_info"), "waba_id") ?? MetaJson.Str(payload, "entry") ?? "";

    /// <summary>"Stop promotions" or "resume" (spec §5); other categories are recorded.</summary>
    static InboundEvent Preference(JsonElement p)
    {
        var (category, value) = (MetaJson.Str(p, "category"), MetaJson.Str(p, "value"));
        var who = MetaJson.Str(p, "wa_id");
        if (category != "marketing_messages" || value is not ("stop" or "resume"))
            return new Ignored($"user preference recorded: {category} {value} for {Phone.Mask("+" + who)} (only marketing_messages stop/resume is applied)");
        if (!Phone.TryParseWhatsApp(who, out var phone)) return new Unusable("user_preferences[].wa_id is not a phone number we can read");
        var at = MetaJson.Seconds(p, "timestamp") is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.UnixEpoch;
        return new MarketingPreference(phone, value == "stop", at, "meta_user_preferences");
    }

    /// <summary>A marketing template failed 131050: the doctor stopped promotions (Meta applied it before we heard).</summary>
    static InboundEvent MarketingStopped(JsonElement s) =>
        Recipient(s) is (var phone, var at) ? new MarketingPreference(phone, Stop: true, at, "meta_131050") : Unreadable;

    static InboundEvent Closed(JsonElement s) => Recipient(s) is (var phone, var at)
        ? new WindowClosed(phone, at, MetaJson.Str(s, "id")!, Ours(s))
        : Unreadable;

    /// <summary>Our message id, when Meta echoes it back in a status's <c>biz_opaque_callback_data</c>.</summary>
    static long? Ours(JsonElement s) => MetaOpaque.Parse(MetaJson.Str(s, "biz_opaque_callback_data"));

    /// <summary>A failed status's doctor and time (Meta's clock), or null when its recipient is not a phone number.</summary>
    static (Phone, DateTimeOffset)? Recipient(JsonElement s) =>
        Phone.TryParseWhatsApp(MetaJson.Str(s, "recipient_id"), out var phone)
            ? (phone, MetaJson.Seconds(s, "timestamp") is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : DateTimeOffset.UnixEpoch)
            : null;

    static readonly Unusable Unreadable = new("statuses[].recipient_id is not a phone number we can read");
}
