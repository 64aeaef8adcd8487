namespace Julia.Server.Provisioning;

/// <summary>Section <c>Provisioning</c>: the worker that turns provisioning requests into chips waiting for their QR.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>Run the worker on this node (every node may: requests are claimed).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often open requests are looked for (a request made on this node wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts per request before it fails and an operator is alerted.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the first failed attempt; it doubles on each (jittered), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed request is this node's; a node that dies holding it loses it after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>This service's public URL for Evolution webhooks (…/webhooks/evolution); new instances send their events there.</summary>
    public string? WebhookUrl { get; set; }

    public static readonly string[] WebhookEvents = Julia.Providers.Evolution.EvolutionWebhooks.Subscribed;

    /// <summary>When attempt <paramref name="attempt"/> (1-based) failed, the next one waits this long.</summary>
    public TimeSpan Backoff(int attempt, double jitter)
    {
        var exp = RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exp, RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + 0.4 * jitter)); // ±20 %: nodes that failed together retry apart
    }
}
