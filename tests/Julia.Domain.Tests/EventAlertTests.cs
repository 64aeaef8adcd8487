using Julia.Domain.Alerts;
using Julia.Domain.Chips;

namespace Julia.Domain.Tests;

/// <summary>The alerts raised at an event: their kind, subject, severity and pt-BR text, as the stores raise them.</summary>
public class EventAlertTests
{
    static string Line(AlertCondition c) => $"{c.Kind}@{c.Subject} {c.Severity}: {c.Message}";

    [Fact]
    public void Each_event_alert_names_its_chip_or_the_pool_in_portuguese()
    {
        Assert.Equal("chip_restricted@chip:7 critical: chip 7 pausado após sinal de spam/restrição (403 account banned)",
            Line(EventAlerts.ChipRestricted(7, "403 account banned")));
        Assert.Equal("chip_logged_out@chip:7 warning: chip 7 deslogado do WhatsApp; precisa parear de novo pelo QR", Line(EventAlerts.ChipLoggedOut(7)));
        Assert.Equal("chip_disconnected@chip:7 warning: chip 7 desconectado com código 402; o gateway não vai reconectar",
            Line(EventAlerts.ChipDisconnected(7, 402)));
        Assert.Equal("gate_tripped@pool critical: prospecção pausada no pool inteiro (gate acionado): spam/restriction signal on chip 7",
            Line(EventAlerts.GateTripped("spam/restriction signal on chip 7")));
        Assert.Equal("provisioning_failed@pool warning: Provisioning request 12 failed: out of numbers", Line(EventAlerts.ProvisioningFailed(12, "out of numbers")));
        Assert.Equal("notifier_failing@channel:slack critical: canal slack sem entregar alertas há 11 min (503)", Line(EventAlerts.NotifierFailing("slack", 11, "503")));
    }

    [Theory]
    [InlineData(ChipStatus.Paused, "chip_paused@chip:3 warning: chip 3 pausado por ana: number under review")]
    [InlineData(ChipStatus.Retired, "chip_retired@chip:3 warning: chip 3 aposentado por ana: number under review")]
    [InlineData(ChipStatus.Active, null)]
    [InlineData(ChipStatus.Degraded, null)]
    [InlineData(ChipStatus.Pending, null)]
    public void Only_a_pause_or_a_retirement_raises_an_alert_when_a_chip_moves(ChipStatus to, string? expected) =>
        Assert.Equal(expected, EventAlerts.ChipMoved(3, to, "ana", "number under review") is { } c ? Line(c) : null);

    [Fact]
    public void Text_from_the_gateway_or_a_channel_is_scrubbed()
    {
        Assert.DoesNotContain("987654321", EventAlerts.ChipRestricted(7, "banned +5511987654321").Message);
        Assert.DoesNotContain("987654321", EventAlerts.GateTripped("signal on +5511987654321").Message);
        Assert.DoesNotContain("AAAbbbCCCdddEEEfffGGGhhh", EventAlerts.NotifierFailing("telegram", 10, "401 for bot123456789:AAAbbbCCCdddEEEfffGGGhhh").Message);
    }
}
