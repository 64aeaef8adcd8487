namespace Julia.Grains.Connections;

/// <summary>Section <c>HealthMonitor</c>: reconciling chips' connected flags with what the gateway says.</summary>
public sealed class HealthMonitorOptions
{
    public const string Section = "HealthMonitor";

    public bool Enabled { get; set; } = true;

    /// <summary>One pass per period across the cluster (the pass's reminder: Orleans allows no period under a minute).</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gateway calls in flight at once during a pass.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Limit for one chip's state call; no answer in time is "unknown", never "closed".</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
