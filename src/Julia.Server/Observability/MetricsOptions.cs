namespace Julia.Server.Observability;

/// <summary>Section <c>Julia:Metrics</c>: who may read <c>/metrics</c>, and how fresh its gauges are.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Julia:Metrics";

    /// <summary>
    /// <c>/metrics</c> answers anyone when true. By default (false) it answers loopback callers (a scraper or
    /// sidecar on the same host) without a key, and others only with an operator or admin key: the page names chip
    /// ids and the pool's health, which is not for the internet.
    /// </summary>
    public bool Public { get; set; }

    /// <summary>How often the gauges' query (queue, inbox, breakers, trust levels) runs; a scrape reads the last result.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
