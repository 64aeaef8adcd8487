using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// The server's log, written into the output of the test that is using the host, so a failure explains
/// itself. Lines logged while no test is attached (start-up, between tests) are kept and written with
/// the next test's output.
/// </summary>
public sealed class TestLog : ILogEventSink
{
    static readonly MessageTemplateTextFormatter Format = new("[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
    readonly ConcurrentQueue<string> _pending = new(), _recent = new();
    volatile ITestOutputHelper? _output;

    /// <summary>The test now using the host; each test class sets it in its constructor.</summary>
    public ITestOutputHelper? Output
    {
        get => _output;
        set { _output = value; Flush(); }
    }

    /// <summary>The last 5,000 lines, for tests that assert what the server logged.</summary>
    public IReadOnlyList<string> Recent => [.. _recent];

    /// <summary>Where test.sh collects every server line of the whole run (JULIA_TEST_LOG), to scan it for numbers and secrets.</summary>
    static readonly string? RunLog = Environment.GetEnvironmentVariable("JULIA_TEST_LOG");
    static readonly Lock RunLogLock = new();

    public void Emit(LogEvent e)
    {
        using var w = new StringWriter();
        Format.Format(e, w);
        var line = w.ToString().TrimEnd();
        if (RunLog is not null) lock (RunLogLock) File.AppendAllText(RunLog, line + "\n");
        _recent.Enqueue(line);
        while (_recent.Count > 5000) _recent.TryDequeue(out _);
        Show(line);
    }

    /// <summary>A line from the test's side (a browser's requests), shown with the server's in the test's output; not in the run log.</summary>
    public void Note(string line) => Show($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");

    void Show(string line)
    {
        _pending.Enqueue(line);
        while (_pending.Count > 2000) _pending.TryDequeue(out _);
        Flush();
    }

    void Flush()
    {
        if (_output is not { } output) return;
        while (_pending.TryPeek(out var line))
        {
            try { output.WriteLine("server: " + line); }
            catch (InvalidOperationException) { _output = null; return; } // that test has finished; the next one gets the rest
            _pending.TryDequeue(out _);
        }
    }
}
