namespace Julia.Domain.Alerts;

/// <summary>What the database says about the pool at one moment: the inputs of <see cref="AlertRules"/>.</summary>
public sealed record AlertFacts
{
    public int Active { get; init; }
    public int Ready { get; init; }
    public int ActiveMin { get; init; }
    public int ReadyMin { get; init; }
    /// <summary>Chips that could take a prospecting message now: active, connected, trust ≥ 80, breaker not open, no cooldown.</summary>
    public int Prospectable { get; init; }
    public bool GateTripped { get; init; }
    /// <summary>Chips in service (rampup, ready, active, degraded) that are disconnected, with when the connection closed.</summary>
    public IReadOnlyList<(long Chip, DateTimeOffset Since)> Disconnected { get; init; } = [];
    /// <summary>Chips whose breaker is not closed, with when it last left closed.</summary>
    public IReadOnlyList<(long Chip, DateTimeOffset Since)> BreakerNotClosed { get; init; } = [];
    /// <summary>Queued messages whose turn came more than <see cref="AlertThresholds.BacklogAge"/> ago.</summary>
    public int OverdueQueued { get; init; }
    /// <summary>Webhook events dead-lettered within <see cref="AlertThresholds.DeadLetterWindow"/>.</summary>
    public int RecentDeadLetters { get; init; }
    /// <summary>Silos that left the cluster (membership status Dead), with their last heartbeat.</summary>
    public IReadOnlyList<(string Node, DateTimeOffset LastAlive)> DeadNodes { get; init; } = [];
}
