using Julia.Simulator;

// Standalone: dotnet run --project src/Julia.Simulator -- --webhook http://127.0.0.1:5080/webhooks/evolution [--port 5090]
// In a container (deploy/compose.yaml): --listen http://+:5090 to answer on every interface.
var webhook = args.SkipWhile(a => a != "--webhook").Skip(1).FirstOrDefault();
var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() ?? "5090";
var listen = args.SkipWhile(a => a != "--listen").Skip(1).FirstOrDefault() ?? $"http://127.0.0.1:{port}";
await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { WebhookUrl = webhook }, listen);
Console.WriteLine($"Evolution simulator on {sim.BaseAddress} (control API under /control); webhooks to {webhook ?? "(none)"}");
var done = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
await done.Task;
