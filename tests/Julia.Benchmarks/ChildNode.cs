using System.Diagnostics;
using System.Globalization;
using Julia.Storage.Local;

namespace Julia.Benchmarks;

/// <summary>
/// Julia.Server in a process of its own, configured by environment, on the real clock: the node alone, without the load
/// generator in its figures. Its RSS and CPU time come from /proc; the bytes it allocated and the methods it compiled
/// from its own <c>/metrics</c> (the runtime's meter; loopback needs no key).
/// </summary>
public sealed class ChildNode : IDisposable
{
    readonly Process _process;
    readonly HttpClient _http;
    public Uri Url { get; }

    ChildNode(Process p, Uri url)
    {
        _process = p;
        Url = url;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The client that asks the node for its readiness and counters (its base address is the node's).</summary>
    public HttpClient Http => _http;

    /// <param name="mode">Null: Julia.Server. Otherwise this benchmark's own program in that mode (<see cref="StackFloor.Mode"/>).</param>
    public static async Task<ChildNode> StartAsync(string connectionString, bool serverGc, string? mode = null)
    {
        var port = LocalPorts.Next();
        string[] command = mode is null ? [Path.Combine(AppContext.BaseDirectory, "Julia.Server.dll")]
            : [Path.Combine(AppContext.BaseDirectory, "Julia.Benchmarks.dll"), mode];
        var psi = new ProcessStartInfo("dotnet", command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["urls"] = $"http://127.0.0.1:{port}";
        psi.Environment["Julia__LogLevel"] = "Warning";
        psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var node = new ChildNode(p, new Uri($"http://127.0.0.1:{port}/"));
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 90;
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException("the node exited while starting");
            try
            {
                if ((await node._http.GetAsync("health/ready")).IsSuccessStatusCode) break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (Stopwatch.GetTimestamp() > until) throw new TimeoutException("the node did not become ready in 90 s");
            await Task.Delay(250); // polling a child process's readiness: nothing to wait on but its answer
        }
        await Task.Delay(3000); // start-up's own allocations settle before the first figure
        return node;
    }

    public double RssMiB() => StatusSum($"/proc/{_process.Id}/status", "VmRSS") is { } kB ? kB / 1024.0 : double.NaN;

    /// <summary>The sum of the named fields of a /proc status file (<c>VmRSS:   1234 kB</c> is 1234), read in one pass; null when none is there.</summary>
    static long? StatusSum(string file, params string[] names)
    {
        long? sum = null;
        foreach (var line in File.ReadLines(file))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && names.Contains(line[..colon]))
                sum = (sum ?? 0) + long.Parse(line[(colon + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        return sum;
    }

    /// <summary>The node's CPU time so far (user and system, all its threads).</summary>
    public TimeSpan Cpu()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
    }

    /// <summary>
    /// The times each of the node's threads has been switched out so far (by thread id), waiting (voluntary: a thread with
    /// nothing to do, then woken) or preempted: each a kernel round trip, which on this paravirtualized machine costs more
    /// than on bare metal. <see cref="SwitchesBetween"/> counts from two of these.
    /// </summary>
    public Dictionary<string, long> ContextSwitches()
    {
        var counts = new Dictionary<string, long>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try { counts[Path.GetFileName(task)] = StatusSum(Path.Combine(task, "status"), "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches") ?? 0; }
            catch (IOException) { } // a thread that ended while being read
        }
        return counts;
    }

    /// <summary>Switches between two readings, of the threads alive at the second (a thread pool worker that retired in between takes its count with it).</summary>
    public static long SwitchesBetween(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Sum(t => t.Value - before.GetValueOrDefault(t.Key));

    /// <summary>
    /// One timed run of <paramref name="select"/> at <paramref name="clients"/> against this node: the load's figures, and per
    /// request the node's CPU, the load generator's (this process), PostgreSQL's, the node's bytes (<paramref name="allocated"/>
    /// read before and after) and its context switches.
    /// </summary>
    public async Task<ChildRun> MeasureAsync(Func<string, string, Task<bool>> select, int clients, int seconds, Func<Task<long>> allocated)
    {
        var bytes = await allocated();
        var cpu = CpuSample.Now();
        var nodeCpu = Cpu();
        var switches = ContextSwitches();
        var m = await SelectionBench.MeasureAsync(select, () => { }, clients, seconds);
        nodeCpu = Cpu() - nodeCpu;
        var switched = SwitchesBetween(switches, ContextSwitches());
        var spent = CpuSample.Now() - cpu;
        bytes = await allocated() - bytes;
        return new(m.Rate, m.P50, m.P99, m.Reserved, nodeCpu.TotalMilliseconds / m.All, spent.Self.TotalMilliseconds / m.All,
                   spent.Postgres.TotalMilliseconds / m.All, bytes / (double)m.All, switched / (double)m.All);
    }

    /// <summary>Bytes the node has allocated and methods it has compiled so far, from its <c>/metrics</c>.</summary>
    public async Task<(long Allocated, long Compiled)> CountersAsync()
    {
        // The exporter answers a scrape from a copy up to 300 ms old: wait that out so the figure is now's.
        await Task.Delay(400);
        long allocated = -1, compiled = -1;
        foreach (var line in (await _http.GetStringAsync("metrics")).Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_heap_total_allocated", StringComparison.Ordinal)) allocated = Value(line);
            else if (line.StartsWith("dotnet_jit_compiled_methods", StringComparison.Ordinal)) compiled = Value(line);
        }
        if (allocated < 0 || compiled < 0) throw new InvalidOperationException("the node's /metrics has no runtime meter");
        return (allocated, compiled);

        // name{labels} value [timestamp], or name value [timestamp]
        static long Value(string line)
        {
            var rest = line.Contains('}') ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ')..];
            return (long)double.Parse(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
    }

    bool _disposed;

    /// <summary>Stops the node (once: a caller may stop it early and its <c>using</c> again).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}

/// <summary>A timed run against a child node; the CPU (ms), bytes and switches are per request.</summary>
public sealed record ChildRun(double Rate, double P50, double P99, double Reserved, double NodeMs, double LoadMs, double PostgresMs, double Bytes,
                              double Switches);
