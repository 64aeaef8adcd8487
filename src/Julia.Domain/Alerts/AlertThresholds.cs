namespace Julia.Domain.Alerts;

/// <summary>When each alert condition fires; the defaults are the operators' (docs/operations.md lists the alerts).</summary>
public sealed record AlertThresholds
{
    public TimeSpan OfflineAfter { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan BreakerOpenAfter { get; init; } = TimeSpan.FromMinutes(10);
    public int BacklogMessages { get; init; } = 50;
    public TimeSpan BacklogAge { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan DeadLetterWindow { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan NodeLeftWindow { get; init; } = TimeSpan.FromHours(1);
    public int ProspectingTrust { get; init; } = 80;
    /// <summary>The pool grain's reminder period; its cycle is late after two of them.</summary>
    public TimeSpan CyclePeriod { get; init; } = TimeSpan.FromMinutes(1);
}
