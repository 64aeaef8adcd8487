namespace Julia.Domain.Alerts;

/// <summary>The kinds of alert and how their subjects are written.</summary>
public static class AlertKinds
{
    // Evaluated by the monitor on every pass and resolved by it when gone.
    public const string PoolBelowMin = "pool_below_min";
    public const string ReadyBufferShort = "ready_buffer_short";
    public const string NoProspectingChip = "no_prospecting_chip";
    public const string GateTripped = "gate_tripped";
    public const string ChipOffline = "chip_offline";
    public const string BreakerOpen = "breaker_open";
    public const string QueueBacklog = "queue_backlog";
    public const string DeadLetters = "dead_letters";
    public const string NodeLeft = "node_left";
    public const string CycleLate = "pool_cycle_late";

    // Raised at the event (a gateway signal) and resolved by the monitor when the chip has recovered.
    public const string ChipRestricted = "chip_restricted";
    public const string ChipLoggedOut = "chip_logged_out";
    public const string ChipDisconnected = "chip_disconnected";
    // Raised when a chip is paused (not for a restriction, which has its own) or retired, by anyone.
    public const string ChipPaused = "chip_paused";
    public const string ChipRetired = "chip_retired";
    // Raised when a Meta number's polled quality turns RED (its business-initiated sends stop); resolved by a person.
    public const string MetaQualityRed = "meta_quality_red";

    // Raised and resolved by the delivery worker.
    public const string NotifierFailing = "notifier_failing";

    // Raised when a provisioning request is given up; resolved by a person.
    public const string ProvisioningFailed = "provisioning_failed";

    /// <summary>Kinds whose every open alert the monitor's pass re-evaluates: absent from the pass means recovered.</summary>
    public static readonly IReadOnlySet<string> Monitored = new HashSet<string>
    {
        PoolBelowMin, ReadyBufferShort, NoProspectingChip, GateTripped, ChipOffline, BreakerOpen, QueueBacklog, DeadLetters, NodeLeft,
    };

    public const string Pool = "pool";
    public static string Chip(long id) => $"chip:{id}";
    public static string Node(string name) => $"node:{name}";
    public static string Channel(string channel) => $"channel:{channel}";

    public static long? ChipOf(string subject) =>
        subject.StartsWith("chip:", StringComparison.Ordinal) && long.TryParse(subject.AsSpan(5), out var id) ? id : null;
}
