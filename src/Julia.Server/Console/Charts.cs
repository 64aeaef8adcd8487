namespace Julia.Server.ConsoleWeb;

/// <summary>A bar chart drawn by the server as inline SVG: only numbers reach the markup, labels go through Razor's encoder.</summary>
public sealed record BarChart(string Title, IReadOnlyList<(string Label, int Value)> Bars, string CssClass = "")
{
    public const int Width = 480, Height = 120, Bottom = 16;

    public int Max => Math.Max(1, Bars.Count == 0 ? 1 : Bars.Max(b => b.Value));
    public int Total => Bars.Sum(b => b.Value);
    public double BarWidth => Bars.Count == 0 ? 0 : (double)Width / Bars.Count;

    public (double X, double Y, double W, double H) Rect(int i)
    {
        var h = (double)Bars[i].Value / Max * (Height - Bottom - 4);
        return (i * BarWidth + 1, Height - Bottom - h, Math.Max(1, BarWidth - 2), h);
    }
}

/// <summary>A line over time (trust history), scaled 0–100.</summary>
public sealed record LineChart(string Title, IReadOnlyList<(DateTimeOffset At, int Value)> Points)
{
    public const int Width = 480, Height = 140, Pad = 4;

    public string Path()
    {
        if (Points.Count == 0) return "";
        var first = Points[0].At; var span = Math.Max(1, (Points[^1].At - first).TotalSeconds);
        return string.Join(" ", Points.Select((p, i) =>
        {
            var x = Points.Count == 1 ? Width / 2.0 : Pad + (p.At - first).TotalSeconds / span * (Width - 2 * Pad);
            var y = Pad + (100 - p.Value) / 100.0 * (Height - 2 * Pad);
            return FormattableString.Invariant($"{(i == 0 ? "M" : "L")}{x:0.#},{y:0.#}");
        }));
    }

    public static double Y(int value) => Pad + (100 - value) / 100.0 * (Height - 2 * Pad);
}
