using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Julia.Grains.Observability;

/// <summary>
/// The service's own instruments, on one meter (<c>Julia.Grains</c>) that the node exports at <c>/metrics</c>
/// beside Orleans' and ASP.NET Core's. Tags are low-cardinality on purpose: a result, a refusal code, an outcome,
/// an event name, a chip id (the pool is at most thousands of chips). Never a phone number or a message id: each
/// distinct tag value is a time series kept for ever by the scraper.
/// </summary>
/// <remarks>
/// A static meter, not one from <c>IMeterFactory</c>: the grains, the workers and the webhook endpoint all count
/// into it, and a second node in the same process (tests) adds to the same series, which a scraper of one process
/// expects anyway.
/// </remarks>
public static class JuliaMetrics
{
    public const string MeterName = "Julia.Grains";

    static readonly Meter Meter = new(MeterName, "1.0");

    static readonly Counter<long> Selections = Meter.CreateCounter<long>("julia.selections", "{selection}",
        "Selections decided, by result (selected or refused), refusal code and message kind.");

    static readonly Counter<long> Reservations = Meter.CreateCounter<long>("julia.reservations", "{reservation}",
        "Send slots granted by a chip's grain, by chip.");

    static readonly Counter<long> Sends = Meter.CreateCounter<long>("julia.sends", "{send}",
        "Gateway send attempts, by outcome (sent, timeout, transient, rate_limited, spam_restriction, permanent).");

    static readonly Counter<long> Webhooks = Meter.CreateCounter<long>("julia.webhooks", "{webhook}",
        "Gateway webhooks received, by source, event and result (stored, duplicate, ignored, rejected, unavailable).");

    static readonly Counter<long> BreakerChanges = Meter.CreateCounter<long>("julia.breaker.transitions", "{transition}",
        "Circuit breaker state changes, by the state entered.");

    static readonly Histogram<double> CycleLateness = Meter.CreateHistogram<double>("julia.pool.cycle.lateness", "s",
        "How late the pool's minute reminder fired against its schedule (reminder tardiness).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] });

    public static void Selected(string kind) =>
        Selections.Add(1, new TagList { { "result", "selected" }, { "code", "ok" }, { "kind", kind } });

    public static void Refused(string kind, string code) =>
        Selections.Add(1, new TagList { { "result", "refused" }, { "code", code }, { "kind", kind } });

    public static void Reserved(long chipId) =>
        Reservations.Add(1, new KeyValuePair<string, object?>("chip",
            ChipTags.GetOrAdd(chipId, id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Each chip's tag value, made once (a reservation is on every granted selection's path; the pool is at most thousands of chips).</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> ChipTags = new();

    public static void Sent(string outcome) => Sends.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Webhook(string source, string evt, string result) =>
        Webhooks.Add(1, new TagList { { "source", source }, { "event", evt }, { "result", result } });

    public static void BreakerEntered(string state) => BreakerChanges.Add(1, new KeyValuePair<string, object?>("state", state));

    public static void CycleLate(TimeSpan lateness) => CycleLateness.Record(Math.Max(0, lateness.TotalSeconds));

    /// <summary>
    /// Observable gauges read on each scrape. <paramref name="read"/> must be cheap (a cached value): a scrape
    /// never waits for the database.
    /// </summary>
    public static ObservableGauge<T> Gauge<T>(string name, string unit, string description, Func<IEnumerable<Measurement<T>>> read) where T : struct =>
        Meter.CreateObservableGauge(name, read, unit, description);
}
