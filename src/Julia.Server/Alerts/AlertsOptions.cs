using Julia.Domain.Alerts;

namespace Julia.Server.Alerts;

/// <summary>Section <c>Alerts</c>: the channels that tell people, and how notices are retried. The channels themselves are <c>Alerts:Slack</c> and
/// <c>Alerts:Telegram</c>; a channel without configuration is off.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>After an alert is resolved, the same (kind, subject) is raised again only after this.</summary>
    public TimeSpan Cooldown { get; set; } = AlertPolicy.DefaultCooldown;
    /// <summary>How often an idle worker looks for notices to send.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a claimed notice belongs to its node; longer than one send can take.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Limit for one call to a channel.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Notices one channel sends per pass (each claimed on its own).</summary>
    public int BatchSize { get; set; } = 20;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Tries before a notice is given up ('failed'); with the defaults, about an hour and a half of trying.</summary>
    public int MaxAttempts { get; set; } = 15;
    /// <summary>A channel whose notices keep failing this long raises its own alert (notifier_failing), sent on the other channels.</summary>
    public TimeSpan FailingAfter { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Alerts older than this are not announced (a channel configured today does not get last week's).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(24);
    public bool Enabled { get; set; } = true;

    public AlertPolicy Policy => new() { Cooldown = Cooldown };
}
