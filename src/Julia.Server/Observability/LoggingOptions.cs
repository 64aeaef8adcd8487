using Serilog.Events;

namespace Julia.Server.Observability;

/// <summary>The node's log (keys <c>Julia:LogFormat</c>, <c>Julia:LogLevel</c>); see <see cref="JuliaLogging"/>.</summary>
public sealed class LoggingOptions
{
    public const string Section = "Julia";

    /// <summary><c>json</c> or <c>text</c>; unset (or anything else): text in Development and in the demo, JSON otherwise.</summary>
    public string? LogFormat { get; set; }

    /// <summary>The lowest level written (Microsoft's own categories stay at Warning).</summary>
    public LogEventLevel LogLevel { get; set; } = LogEventLevel.Information;
}
