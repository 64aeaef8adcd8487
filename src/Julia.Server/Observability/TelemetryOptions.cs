namespace Julia.Server.Observability;

/// <summary>Where traces and metrics are exported (keys <c>Julia:Otlp</c>, <c>Julia:Tracing</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Julia";

    /// <summary>
    /// OTLP endpoint for traces and metrics (e.g. http://collector:4317). Unset: the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> environment variable is used if present; neither means no export.
    /// </summary>
    public string? Otlp { get; set; }

    /// <summary>Records traces even without OTLP (for an in-process listener). Traces are off by default when nothing exports them: each grain call would pay
    /// for activities nobody reads.</summary>
    public bool Tracing { get; set; }

    public bool OtlpConfigured => !string.IsNullOrEmpty(Otlp) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
}
