using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Julia.Server.Observability;

/// <summary>
/// The node's logger. <c>Julia:LogFormat</c> = <c>json</c> writes one JSON object per line to stdout (Serilog's
/// rendered compact format: <c>@t</c>, <c>@m</c>, <c>@l</c>, <c>@x</c>, <c>@tr</c> trace id, <c>@sp</c> span id, and
/// every property, <c>RequestId</c> and <c>RequestPath</c> inside a request); <c>text</c> writes the short
/// human format. Unset: text in Development and in the demo, JSON otherwise (production). Every event passes
/// through <see cref="LogMasking"/> first, whatever the output.
/// </summary>
public static class JuliaLogging
{
    const string TextFormat = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static bool Json(LoggingOptions options, bool demo, IHostEnvironment env) => options.LogFormat?.ToLowerInvariant() switch
    {
        "json" => true,
        "text" => false,
        _ => !env.IsDevelopment() && !demo,
    };

    /// <param name="demo">The demo logs text by default, as Development does.</param>
    /// <param name="extra">Also receives every (masked) event: test hosts put the log into the test's output.</param>
    public static Logger Create(LoggingOptions options, bool demo, IHostEnvironment env, ILogEventSink? extra)
    {
        var outputs = new LoggerConfiguration().MinimumLevel.Verbose();
        if (Json(options, demo, env)) outputs.WriteTo.Console(new RenderedCompactJsonFormatter());
        else outputs.WriteTo.Console(outputTemplate: TextFormat, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (extra is not null) outputs.WriteTo.Sink(extra);

        return new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error) // unused; auth registers it
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning) // one line per gateway call is noise
            .MinimumLevel.Override("Polly", LogEventLevel.Warning) // Orleans placement reports every retry-pipeline run
            .Enrich.FromLogContext()
            .Enrich.With<MaskingEnricher>()
            .WriteTo.Sink(new MaskingSink(outputs.CreateLogger()))
            .CreateLogger();
    }
}
