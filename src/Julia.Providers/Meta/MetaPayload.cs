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
        "account_update" => MetaAccount.Read(payload.GetProperty("value")),
        "phone_number_quality_update" => MetaStandingJson.QualityUpdate(payload.GetProperty("value")),
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
        var ours = MetaOpaque.Parse(MetaJson.Str(s, "biz_opaque_callback_data"));
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

    static InboundEvent Preference(JsonElement p) =>
        new Ignored($"user preference recorded: {MetaJson.Str(p, "category")} {MetaJson.Str(p, "value")} for {Phone.Mask("+" + MetaJson.Str(p, "wa_id"))} " +
                    "(marketing opt-outs are not applied yet)");
}
