using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Julia.Benchmarks;

/// <summary>
/// Where this process's bytes go, by type: the runtime's GCAllocationTick event (one sample per ~100 kB
/// allocated, naming the type that crossed the mark), read in process by an EventListener. Sampled, so a
/// type's share is an estimate; over a 10-second run there are thousands of samples. Turned on with
/// <c>--alloc-profile</c>: the listener costs a little CPU, so figures of such a run are not compared.
/// </summary>
public sealed class AllocationProfile : EventListener
{
    readonly ConcurrentDictionary<string, long> _bytes = new();
    volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at Verbose carries GCAllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        int typeAt = e.PayloadNames!.IndexOf("TypeName"), amountAt = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0) return;
        var type = e.Payload[typeAt] as string ?? "?";
        long amount = amountAt >= 0 ? Convert.ToInt64(e.Payload[amountAt], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, n) => n + amount);
    }

    public void Start() { _bytes.Clear(); _on = true; }

    /// <summary>Stops counting for a while (work that is not the measured one), then goes on.</summary>
    public bool Paused { set => _on = !value; }

    /// <summary>The top types as kB per operation, largest first.</summary>
    public IEnumerable<string> Top(long operations, int count = 25)
    {
        _on = false;
        long total = _bytes.Values.Sum();
        return _bytes.OrderByDescending(kv => kv.Value).Take(count)
            .Select(kv => $"  {kv.Value / 1024.0 / operations,7:F2} kB  {100.0 * kv.Value / total,5:F1} %  {kv.Key}");
    }
}
