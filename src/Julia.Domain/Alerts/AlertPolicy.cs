namespace Julia.Domain.Alerts;

/// <summary>How alerts are raised: after one is resolved, the same (kind, subject) is raised again only after the cooldown.</summary>
public sealed record AlertPolicy
{
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromMinutes(30);

    /// <summary>A flapping condition pages at most once per cooldown.</summary>
    public TimeSpan Cooldown { get; init; } = DefaultCooldown;
    public AlertThresholds Thresholds { get; init; } = new();
}
