using Julia.Benchmarks;

// dotnet run -c Release --project tests/Julia.Benchmarks -- [selection|ingest|drain|scale|memory|floor|all] [--seconds N]
//     floor: the stack's floor alone (StackFloor), [--clients 1,8]; FLOOR_LAYERS=metrics,propagation,dashboard adds the node's layers
//     selection only: [--clients 8[,32]] [--path in-process|HTTP|node] to measure one case (e.g. under perf); node: a child process
//     ingest only: [--gateway Evolution|Meta] to post one gateway's bodies (e.g. under perf)
//     [--alloc-profile]: bytes allocated per selection by type (an in-process GCAllocationTick listener)
//     [--meter-profile]: measurements per selection by instrument (an in-process MeterListener)
var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
if (what == StackFloor.Mode)
{
    await StackFloor.ServeAsync(); // the child process the selection benchmark measures the stack's floor on
    return 0;
}
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var seconds = int.Parse(Option("--seconds") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
(int[], string?)? only = Option("--clients") is { } c ? (c.Split(',').Select(int.Parse).ToArray(), Option("--path")) : null;
using var profile = args.Contains("--alloc-profile") ? new AllocationProfile() : null;
SelectionBench.Profile = profile;
using var meters = args.Contains("--meter-profile") ? new MeterProfile() : null;
SelectionBench.Meters = meters;
IngestBench.Profile = profile;
await using var env = await BenchEnvironment.StartAsync();
var report = new Report();
if (what is "selection" or "all") await SelectionBench.RunAsync(env, report, seconds, only);
if (what is "ingest" or "all") await IngestBench.RunAsync(env, report, seconds, Option("--gateway"));
if (what is "floor") await StackFloor.RunAsync(env, report, seconds, only?.Item1 ?? [1, 8]);
if (what is "drain" or "all") await DrainBench.RunAsync(env, report);
if (what is "scale" or "all") await ScaleBench.RunAsync(env, report, seconds);
if (what is "memory" or "all") await MemoryBench.RunAsync(env, report);
report.Save(what);
return 0;
