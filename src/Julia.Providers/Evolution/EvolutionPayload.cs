using System.Text.Json;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Evolution;

/// <summary>
/// What a stored Evolution event says, read without I/O. A doctor's message comes back as an
/// <see cref="EvolutionMessage"/> and our own echoed back as an <see cref="EvolutionOwnMessage"/>, addressed as Evolution addressed
/// them; everything else as its final event.
/// Stored events passed <see cref="EvolutionEnvelope.IgnoreReason"/>, so the fields read here are there.
/// </summary>
public static class EvolutionPayload
{
    public static InboundEvent Read(string evt, JsonElement payload)
    {
        // Stored events passed the intake's checks; a row that did not (one written by hand, or before the checks) throws
        // here and is retried, then dead-lettered, as any failure.
        var data = payload.GetProperty("data");
        switch (evt)
        {
            case EvolutionEnvelope.Upsert:
                return Mine(data) ? Own(data) : Message(data);
            case EvolutionEnvelope.Update:
                return EvolutionReceipts.Ours(EvolutionReceipts.Status(data)) is { } status
                    ? new DeliveryReceipt(EvolutionReceipts.Id(data)!, status)
                    : new Ignored("status says nothing about delivery (PENDING or DELETED)");
            case EvolutionEnvelope.Connection:
                int? code = data.TryGetProperty("statusReason", out var sr) && sr.ValueKind == JsonValueKind.Number ? sr.GetInt32() : null;
                return new ConnectionChanged(EvolutionJson.Str(data, "state")!, code);
            case EvolutionEnvelope.QrCode:
                // v2 nests it under qrcode; v1 put code and base64 in data.
                var qr = data.TryGetProperty("qrcode", out var q) && q.ValueKind == JsonValueKind.Object ? q : data;
                return new QrCodeUpdated(EvolutionJson.Str(qr, "code"), EvolutionJson.Str(qr, "base64"));
            case EvolutionEnvelope.Send:
                return Own(data);
            default:
                return new Ignored("event not used");
        }
    }

    static bool Mine(JsonElement data) =>
        data.TryGetProperty("key", out var key) && key.TryGetProperty("fromMe", out var fm) && fm.ValueKind == JsonValueKind.True;

    static EvolutionMessage Message(JsonElement data)
    {
        var key = data.GetProperty("key");
        var text = Text(data);
        return new EvolutionMessage(Addressed(data, key), EvolutionJson.Str(key, "id")!, EvolutionJson.Str(data, "pushName"), text,
            Kind(EvolutionJson.Str(data, "messageType"), text), DateTimeOffset.FromUnixTimeSeconds(EvolutionJson.Timestamp(data)!.Value));
    }

    /// <summary>Our own message echoed back: to whom (addressed as a doctor's message is), the gateway's id and the text.</summary>
    static EvolutionOwnMessage Own(JsonElement data)
    {
        var key = data.GetProperty("key");
        return new EvolutionOwnMessage(Addressed(data, key), EvolutionJson.Str(key, "id")!, Text(data));
    }

    static EvolutionSender Addressed(JsonElement data, JsonElement key) =>
        EvolutionSender.From(EvolutionJson.Str(key, "remoteJid") ?? "", EvolutionJson.Str(key, "remoteJidAlt"),
            EvolutionJson.Str(key, "senderPn") ?? EvolutionJson.Str(data, "senderPn"), EvolutionJson.Str(key, "previousRemoteJid"));

    /// <summary>A message's text, wherever this version put it; null for one without text.</summary>
    public static string? Text(JsonElement data)
    {
        var message = data.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        // From 2.1 Evolution turns extendedTextMessage into conversation; 1.x and 2.0 send it as it is.
        return EvolutionJson.Str(message, "conversation")
               ?? (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("extendedTextMessage", out var ext)
                   ? EvolutionJson.Str(ext, "text") : null);
    }

    static DoctorMessageKind Kind(string? messageType, string? text) => messageType switch
    {
        "conversation" or "extendedTextMessage" => DoctorMessageKind.Text,
        "imageMessage" or "videoMessage" or "audioMessage" or "documentMessage" or "documentWithCaptionMessage" or "stickerMessage" or "ptvMessage"
            => DoctorMessageKind.Media,
        "reactionMessage" => DoctorMessageKind.Reaction,
        null when text is not null => DoctorMessageKind.Text,
        _ => DoctorMessageKind.Other,
    };
}
