using System.Diagnostics;

namespace Julia.Benchmarks;

/// <summary>
/// CPU time spent by this process and by every PostgreSQL process over an interval, from /proc.
/// On a small machine the load generator, the service and the database share the cores, so "where
/// did the CPU go" explains a throughput figure better than wall time does.
/// </summary>
public readonly record struct CpuSample(TimeSpan Self, TimeSpan Postgres)
{
    public static CpuSample Now() => new(Process.GetCurrentProcess().TotalProcessorTime, PostgresTime());

    public static CpuSample operator -(CpuSample a, CpuSample b) => new(a.Self - b.Self, a.Postgres - b.Postgres);
    public static CpuSample operator +(CpuSample a, CpuSample b) => new(a.Self + b.Self, a.Postgres + b.Postgres);

    static TimeSpan PostgresTime()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0])) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat[(open + 1)..close] != "postgres") continue;
            var fields = stat[(close + 2)..].Split(' ');
            // utime, stime, and cutime, cstime: the postmaster collects the time of backends that exited (pgbench's)
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture);
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }
}
