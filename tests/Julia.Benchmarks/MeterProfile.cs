using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Julia.Benchmarks;

/// <summary>
/// How many measurements each instrument records per operation, in this process (every meter: ours, Orleans',
/// ASP.NET Core's, the runtime's), and how many tags they carry: each one an exporter aggregates costs a lookup by its
/// tags. Turned on with <c>--meter-profile</c>; the listener's own cost makes that run's other figures not comparable.
/// </summary>
public sealed class MeterProfile : IDisposable
{
    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<(string Meter, string Name, int Tags), long> _counts = new();
    readonly ConcurrentDictionary<string, long> _exceptions = new();
    volatile bool _on;

    public MeterProfile()
    {
        _listener.InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument);
        _listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Count(i, tags.Length));
        _listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Count(i, tags.Length));
        _listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Count(i, tags.Length));
        _listener.Start();
        AppDomain.CurrentDomain.FirstChanceException += OnException;
    }

    void OnException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        if (_on) _exceptions.AddOrUpdate($"{e.Exception.GetType().Name} at {e.Exception.TargetSite?.DeclaringType?.Name}.{e.Exception.TargetSite?.Name}", 1, (_, n) => n + 1);
    }

    void Count(Instrument i, int tags)
    {
        if (_on) _counts.AddOrUpdate((i.Meter.Name, i.Name, tags), 1, (_, n) => n + 1);
    }

    public void Start() { _counts.Clear(); _exceptions.Clear(); _on = true; }

    /// <summary>The instruments that recorded most, as measurements per operation, largest first.</summary>
    public IEnumerable<string> Top(long operations, int count = 20)
    {
        _on = false;
        yield return $"  {_counts.Values.Sum() / (double)operations,6:F2} measurements per operation in all";
        foreach (var ((meter, name, tags), n) in _counts.OrderByDescending(kv => kv.Value).Take(count))
            yield return $"  {n / (double)operations,6:F2}  {meter} {name} ({tags} tags)";
        foreach (var (what, n) in _exceptions.OrderByDescending(kv => kv.Value).Take(5))
            yield return $"  {n / (double)operations,6:F2}  thrown: {what}";
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnException;
        _listener.Dispose();
    }
}
