using System.Text;

namespace Julia.Benchmarks;

/// <summary>Prints each figure as it is measured and writes them all to bench-results/.</summary>
public sealed class Report
{
    readonly StringBuilder _text = new();

    public Report()
    {
        Line($"# Julia Grains benchmarks, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    }

    public void Line(string s)
    {
        Console.WriteLine(s);
        _text.AppendLine(s);
    }

    public void Save(string name)
    {
        var dir = Path.Combine(FindRoot(), "bench-results");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{name}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.txt");
        File.WriteAllText(path, _text.ToString());
        Console.WriteLine($"results written to {path}");
    }

    static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Julia.Grains.sln"))) d = d.Parent;
        return d?.FullName ?? Directory.GetCurrentDirectory();
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
