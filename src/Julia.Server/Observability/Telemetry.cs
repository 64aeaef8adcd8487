using System.Net;
using Julia.Grains.Observability;
using Julia.Server.Auth;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Julia.Server.Observability;

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

    /// <param name="o">Decides which exporters are added (read before the container exists).</param>
    public static WebApplicationBuilder AddJuliaTelemetry(this WebApplicationBuilder builder, string nodeId, TelemetryOptions o)
    {
        builder.Services.AddHostedService<PoolSampler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, p => p.RequireAssertion(ctx =>
            ctx.Resource is HttpContext { RequestServices: var services } && services.GetRequiredService<IOptions<MetricsOptions>>().Value.Public
            || ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
            || ctx.User.HasClaim(Scopes.ClaimType, Scopes.Operator) || ctx.User.HasClaim(Scopes.ClaimType, Scopes.Admin)));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("julia-grains", serviceInstanceId: nodeId))
            .WithMetrics(m =>
            {
                AddNodeMeters(m);
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

    /// <summary>The node's meters and their Prometheus exporter (the benchmarks' stack floor adds the same ones to price them).</summary>
    public static MeterProviderBuilder AddNodeMeters(MeterProviderBuilder m) =>
        // "System.Runtime": the runtime's own meter (GC heap and bytes allocated, JIT, thread pool, CPU time).
        m.AddMeter(JuliaMetrics.MeterName).AddMeter(OrleansMeters).AddMeter("System.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter();

    static void Endpoint(OtlpExporterOptions e, TelemetryOptions o)
    {
        if (!string.IsNullOrEmpty(o.Otlp)) e.Endpoint = new Uri(o.Otlp);
    }

    /// <summary>Maps <c>/metrics</c> behind <see cref="MetricsPolicy"/> (loopback, a key, or <c>Julia:Metrics:Public</c>).</summary>
    public static IEndpointRouteBuilder MapJuliaMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsPolicy);
        return app;
    }
}
