namespace Julia.Grains.Connections;

/// <summary>Section <c>HealthMonitor</c>: reconciling chips' connected flags with what the gateway says.</summary>
public sealed class HealthMonitorOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>One pass per period across the cluster (the pass's reminder: Orleans allows no period under a minute).</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gateway calls in flight at once during a pass.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Limit for one chip's state call; no answer in time is "unknown", never "closed".</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Validate()
    {
        if (Period < TimeSpan.FromMinutes(1)) yield return "HealthMonitor:Period must be at least 1 minute (an Orleans reminder's shortest period)";
        if (Concurrency is < 1 or > 256) yield return "HealthMonitor:Concurrency must be between 1 and 256";
        if (CallTimeout <= TimeSpan.Zero || CallTimeout >= Period) yield return "HealthMonitor:CallTimeout must be positive and shorter than Period";
    }
}
