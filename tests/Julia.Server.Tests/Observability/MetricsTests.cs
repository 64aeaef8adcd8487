using System.Globalization;
using System.Text.RegularExpressions;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Observability;

public partial class MetricsTests(ServiceFixture f, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    readonly bool _logged = f.Attach(output);

    // name{label="value",...} value [timestamp]
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*\})?\s+(?<value>\S+)(\s+-?\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$")]
    private static partial Regex Comment();

    /// <summary>Every line is a HELP/TYPE comment or a sample with a number; returns samples by name and labels.</summary>
    static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                Assert.True(line.StartsWith("# EOF") || Comment().IsMatch(line), $"bad comment line: {line}");
                continue;
            }
            var m = Sample().Match(line);
            Assert.True(m.Success, $"bad sample line: {line}");
            var v = m.Groups["value"].Value;
            Assert.True(v is "+Inf" or "-Inf" or "NaN" || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"bad value: {line}");
            samples[m.Groups["name"].Value + m.Groups["labels"].Value] = v is "+Inf" or "-Inf" or "NaN" ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    static double Sum(Dictionary<string, double> s, string name, params string[] labels) =>
        s.Where(kv => kv.Key.StartsWith(name + "{") && labels.All(l => kv.Key.Contains(l))).Sum(kv => kv.Value);

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_the_selection_counter_moves_on_a_selection()
    {
        var http = f.Host.Http();
        var before = Parse(await http.GetStringAsync("metrics"));
        Assert.Contains(before.Keys, k => k.StartsWith("julia_queue_depth"));
        Assert.Contains(before.Keys, k => k.StartsWith("julia_chips_trust"));

        await f.FreshPoolAsync();
        var chip = await f.ChipAsync();
        var contact = await f.ContactAsync();
        var selection = await f.Agent.SelectAsync(contact, "followup");
        Assert.Equal(chip, selection.ChipId);

        // The exporter caches a scrape for a moment; ask until each shows, and say which one did not.
        double wanted = Sum(before, "julia_selections_total", "result=\"selected\"", "kind=\"followup\"") + 1;
        var after = await Eventually.Until(async () => Parse(await http.GetStringAsync("metrics")),
            s => Sum(s, "julia_selections_total", "result=\"selected\"", "kind=\"followup\"") >= wanted, TimeSpan.FromSeconds(60), "the selection counter");
        after = await Eventually.Until(async () => Parse(await http.GetStringAsync("metrics")),
            s => s.Keys.Any(k => k.StartsWith("http_server_request_duration_seconds_bucket")), TimeSpan.FromSeconds(60), "ASP.NET Core's request histogram");
        after = await Eventually.Until(async () => Parse(await http.GetStringAsync("metrics")),
            s => s.Keys.Any(k => k.StartsWith("orleans_")), TimeSpan.FromSeconds(60), "Orleans' meter");
        Assert.True(Sum(after, "julia_reservations_total", $"chip=\"{chip}\"") >= 1);
        // ASP.NET Core's request histogram is there too, and Orleans' meter.
        Assert.Contains(after.Keys, k => k.StartsWith("http_server_request_duration_seconds_bucket"));
        Assert.Contains(after.Keys, k => k.StartsWith("orleans_"));
        // The runtime's own meter: bytes allocated (which only grow) and methods compiled.
        Assert.Contains(after.Keys, k => k.StartsWith("dotnet_gc_heap_total_allocated") && after[k] > 0);
        Assert.Contains(after.Keys, k => k.StartsWith("dotnet_jit_compiled_methods"));
        // No phone number as a label.
        Assert.DoesNotContain(after.Keys, k => k.Contains(contact) || k.Contains(contact.TrimStart('+')));
    }

    [Fact]
    public async Task Metrics_from_loopback_need_no_key()
    {
        var res = await f.Host.Http().GetAsync("metrics");
        Assert.Equal(200, (int)res.StatusCode);
        Assert.StartsWith("text/plain", res.Content.Headers.ContentType!.MediaType);
    }
}
