using Julia.Benchmarks;

// dotnet run -c Release --project tests/Julia.Benchmarks -- [selection|all] [--seconds N]
var what = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(10);
await using var env = await BenchEnvironment.StartAsync();
var report = new Report();
if (what is "selection" or "all") await SelectionBench.RunAsync(env, report, seconds);
report.Save(what);
return 0;
