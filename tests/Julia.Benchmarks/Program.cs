using Julia.Benchmarks;

// dotnet run -c Release --project tests/Julia.Benchmarks -- [selection|ingest|drain|all] [--seconds N]
var what = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(10);
await using var env = await BenchEnvironment.StartAsync();
var report = new Report();
if (what is "selection" or "all") await SelectionBench.RunAsync(env, report, seconds);
if (what is "ingest" or "all") await IngestBench.RunAsync(env, report, seconds);
if (what is "drain" or "all") await DrainBench.RunAsync(env, report);
report.Save(what);
return 0;
