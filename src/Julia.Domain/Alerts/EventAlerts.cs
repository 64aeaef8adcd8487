using Julia.Domain.Chips;

namespace Julia.Domain.Alerts;

/// <summary>
/// The alerts raised at the event that causes them (a gateway's signal, a chip paused or retired, the gate tripped
/// automatically, a provisioning request given up, a channel failing), beside those the monitor's pass finds
/// (<see cref="AlertRules"/>). Raised through the same dedupe and the configured cooldown. Messages are short pt-BR and
/// name chips by id only; text from outside is scrubbed.
/// </summary>
public static class EventAlerts
{
    public static AlertCondition ChipRestricted(long chip, string? detail) =>
        new(AlertKinds.ChipRestricted, AlertKinds.Chip(chip), "critical", $"chip {chip} pausado após sinal de spam/restrição ({AlertText.Scrub(detail)})");

    /// <summary>A Meta number's quality turned RED: prospecting and follow-ups stop on it (replies still go) until it recovers.</summary>
    public static AlertCondition MetaQualityRed(long chip) =>
        new(AlertKinds.MetaQualityRed, AlertKinds.Chip(chip), "warning",
            $"chip {chip} (Meta) com qualidade VERMELHA: prospecção e follow-ups parados nele; respostas seguem");

    public static AlertCondition ChipLoggedOut(long chip) =>
        new(AlertKinds.ChipLoggedOut, AlertKinds.Chip(chip), "warning", $"chip {chip} deslogado do WhatsApp; precisa parear de novo pelo QR");

    /// <param name="code">The gateway's close code (Evolution does not reconnect after 402 or 406).</param>
    public static AlertCondition ChipDisconnected(long chip, int? code) =>
        new(AlertKinds.ChipDisconnected, AlertKinds.Chip(chip), "warning", $"chip {chip} desconectado com código {code}; o gateway não vai reconectar");

    /// <summary>A chip paused (other than for a restriction, which has its own) or retired, by anyone; null for any other move.</summary>
    public static AlertCondition? ChipMoved(long chip, ChipStatus to, string actor, string reason) => to switch
    {
        ChipStatus.Paused => new(AlertKinds.ChipPaused, AlertKinds.Chip(chip), "warning", $"chip {chip} pausado por {actor}: {reason}"),
        ChipStatus.Retired => new(AlertKinds.ChipRetired, AlertKinds.Chip(chip), "warning", $"chip {chip} aposentado por {actor}: {reason}"),
        _ => null,
    };

    /// <summary>The gate tripped by a signal (an operator who pauses prospecting already knows).</summary>
    public static AlertCondition GateTripped(string reason) =>
        new(AlertKinds.GateTripped, AlertKinds.Pool, "critical", "prospecção pausada no pool inteiro (gate acionado): " + AlertText.Scrub(reason));

    /// <summary>About the pool, not the request: one alert per request would page for each; the cooldown keeps a storm to one page.</summary>
    public static AlertCondition ProvisioningFailed(long request, string error) =>
        new(AlertKinds.ProvisioningFailed, AlertKinds.Pool, "warning", $"Provisioning request {request} failed: {error}");

    public static AlertCondition NotifierFailing(string channel, int minutes, string? lastError) =>
        new(AlertKinds.NotifierFailing, AlertKinds.Channel(channel), "critical",
            $"canal {channel} sem entregar alertas há {minutes} min ({AlertText.Scrub(lastError)})");
}
