using System.Net;
using Julia.Grains.Observability;
using Julia.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Julia.Server.Observability;

/// <summary>Where metrics and traces go, from configuration (<c>Julia:Metrics</c>, <c>Julia:Otlp</c>, <c>Julia:Tracing</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// <c>/metrics</c> answers anyone when true. By default (false) it answers loopback callers (a scraper or
    /// sidecar on the same host) without a key, and others only with an operator or admin key: the page names chip
    /// ids and the pool's health, which is not for the internet.
    /// </summary>
    public bool MetricsPublic { get; set; }

    /// <summary>How often the gauges' query (queue, inbox, breakers, trust levels) runs; a scrape reads the last result.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// OTLP endpoint for traces and metrics (e.g. http://collector:4317). Unset: the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> environment variable is used if present; neither means no export.
    /// </summary>
    public string? Otlp { get; set; }

    /// <summary>Records traces even without OTLP (for an in-process listener). Traces are off by default when nothing exports them: each grain call would pay for activities nobody reads.</summary>
    public bool Tracing { get; set; }

    public static TelemetryOptions From(IConfiguration c) => new()
    {
        MetricsPublic = c.GetValue("Julia:Metrics:Public", false),
        SampleInterval = c.GetValue("Julia:Metrics:SampleInterval", TimeSpan.FromSeconds(15)),
        Otlp = c["Julia:Otlp"] is { Length: > 0 } o ? o : null,
        Tracing = c.GetValue("Julia:Tracing", false),
    };

    public bool OtlpConfigured => Otlp is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
}

/// <summary>
/// Metrics at <c>/metrics</c> (Prometheus text, OpenTelemetry's exporter): our meter, Orleans' meter and ASP.NET
/// Core's request histograms. Traces from HTTP through grain calls (Orleans' activity propagation) to PostgreSQL
/// (Npgsql's activity source) and the gateway (HttpClient), exported by OTLP when configured.
/// </summary>
public static class Telemetry
{
    public const string MetricsPolicy = "metrics";

    /// <summary>Orleans' meter and activity sources (its runtime and grain calls).</summary>
    static readonly string[] OrleansMeters = ["Microsoft.Orleans"];
    static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Npgsql 10 writes its spans to this activity source itself. (The <c>Npgsql.OpenTelemetry</c> package's
    /// <c>AddNpgsql()</c> adds only this name, and the registry here has it only for a newer Npgsql than we pin.)
    /// </summary>
    const string NpgsqlSource = "Npgsql";

    public static WebApplicationBuilder AddJuliaTelemetry(this WebApplicationBuilder builder, string nodeId)
    {
        var o = TelemetryOptions.From(builder.Configuration);
        builder.Services.AddSingleton(o);
        builder.Services.AddHostedService<PoolSampler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, p => p.RequireAssertion(ctx =>
            o.MetricsPublic
            || ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
            || ctx.User.HasClaim(Scopes.ClaimType, Scopes.Operator) || ctx.User.HasClaim(Scopes.ClaimType, Scopes.Admin)));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("julia-grains", serviceInstanceId: nodeId))
            .WithMetrics(m =>
            {
                m.AddMeter(JuliaMetrics.MeterName).AddMeter(OrleansMeters)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (o.OtlpConfigured) m.AddOtlpExporter(e => Endpoint(e, o));
            });
        if (o.OtlpConfigured || o.Tracing)
            otel.WithTracing(t =>
            {
                t.AddSource(OrleansSources).AddSource(NpgsqlSource)
                    // Scrapes and probes are not traffic worth a trace each.
                    .AddAspNetCoreInstrumentation(a => a.Filter = ctx =>
                        !ctx.Request.Path.StartsWithSegments("/metrics") && !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (o.OtlpConfigured) t.AddOtlpExporter(e => Endpoint(e, o));
            });
        return builder;
    }

    static void Endpoint(OtlpExporterOptions e, TelemetryOptions o)
    {
        if (o.Otlp is { } url) e.Endpoint = new Uri(url);
    }

    /// <summary>Maps <c>/metrics</c> behind <see cref="MetricsPolicy"/> (loopback, a key, or <c>Julia:Metrics:Public</c>).</summary>
    public static IEndpointRouteBuilder MapJuliaMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsPolicy);
        return app;
    }
}
