using System.Diagnostics;
using System.Runtime;

namespace Julia.Benchmarks;

/// <summary>
/// A node in service has run its code long enough for tiered compilation to finish (tier 0, then
/// instrumented, then tier 1 with the profile it gathered). On two busy cores that takes tens of
/// thousands of requests, and a figure taken before it measures the JIT, not the service: the same
/// drain ran at about 580 messages/s after 1,000 warm-up messages and about 1,000 after 25,000.
/// So each benchmark repeats a warm-up round until one compiles fewer than <see cref="Quiet"/> methods.
/// </summary>
public static class Warmup
{
    const int Quiet = 150;

    /// <summary>
    /// Runs <paramref name="round"/> (given its number) until the JIT is quiet or <paramref name="maxRounds"/>; says what it took.
    /// <paramref name="methods"/> counts the methods compiled so far: this process's JIT unless another process's is given.
    /// </summary>
    public static async Task<string> UntilJitSettlesAsync(Func<int, Task> round, int maxRounds = 10, Func<Task<long>>? methods = null)
    {
        methods ??= () => Task.FromResult(JitInfo.GetCompiledMethodCount());
        var compiled = new List<long>();
        var took = Stopwatch.StartNew();
        for (int i = 0; i < maxRounds; i++)
        {
            var before = await methods();
            await round(i);
            compiled.Add(await methods() - before);
            if (compiled[^1] < Quiet) break;
        }
        var settled = compiled[^1] < Quiet ? "settled" : "not settled";
        return $"warm-up: {compiled.Count} rounds in {took.Elapsed.TotalSeconds:F0} s, JIT {settled} (methods compiled per round: {string.Join(", ", compiled)})";
    }

    /// <summary>Methods the JIT compiled since <paramref name="before"/> (from <see cref="Count"/>): how warm a timed run really was.</summary>
    public static long Since(long before) => JitInfo.GetCompiledMethodCount() - before;

    public static long Count => JitInfo.GetCompiledMethodCount();
}
