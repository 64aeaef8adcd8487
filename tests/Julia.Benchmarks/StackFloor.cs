using System.Net.Http.Json;
using Julia.Server.ConsoleWeb;
using Julia.Server.Observability;
using Julia.Storage.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Dashboard;
using Orleans.Placement;

namespace Julia.Benchmarks;

/// <summary>
/// The stack's own floor for a selection's shape: the least a node built as the design asks (ASP.NET Core minimal API
/// co-hosted in an Orleans silo) does for one: an HTTP request with a JSON body, a call to the contact's grain, its call
/// to a chip's grain, one statement on PostgreSQL, a JSON answer. No guardrails, ranking, authentication, metrics,
/// tracing, logging or group commit: what the node spends per selection beyond this floor is ours; the floor is the
/// framework's and the kernel's on this machine.
/// </summary>
/// <remarks>Run as a child process (<c>Julia.Benchmarks floor-node</c>), measured like the node alone.</remarks>
public static class StackFloor
{
    public const string Mode = "floor-node";

    /// <summary>The environment variable naming the layers the floor node adds (the child inherits it).</summary>
    const string LayersVariable = "FLOOR_LAYERS";

    /// <summary>The layers the floor node runs with (the child reads the same variable, inherited).</summary>
    static readonly string[] Layers = (Environment.GetEnvironmentVariable(LayersVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary><c>-- floor</c>: pgbench and the floor node alone at each client count (with the layers FLOOR_LAYERS names).</summary>
    public static async Task RunAsync(BenchEnvironment env, Report report, int seconds, int[] clients)
    {
        var runs = new List<(int, PgbenchResult)>();
        foreach (var c in clients) runs.Add((c, await env.PgbenchAsync("simple-update", c, seconds)));
        await ReportAsync(report, "##", env.Postgres.ConnectionStringFor("postgres"), runs, seconds);
    }

    /// <summary>
    /// Starts the floor node, warms it until its JIT is quiet, measures it at each client count as the node alone is
    /// measured, and writes its table (a heading at <paramref name="level"/>), each row against the pgbench run of the
    /// same client count.
    /// </summary>
    public static async Task ReportAsync(Report report, string level, string connectionString, IReadOnlyList<(int Clients, PgbenchResult Pgbench)> runs,
                                         int seconds)
    {
        // Statements prepared once per connection, as the node prepares them (Julia:Postgres:AutoPrepare).
        using var child = await ChildNode.StartAsync(connectionString + ";Maximum Pool Size=64;Max Auto Prepare=50", serverGc: false, Mode);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = child.Url };
        Task<bool> Select(string contact, string kind) => SelectAsync(http, contact, kind);
        var warmup = await Warmup.UntilJitSettlesAsync(_ => SelectionBench.MeasureAsync(Select, () => { }, 8, 2), maxRounds: 8,
            methods: async () => (await CountersAsync(child.Http)).Compiled);
        report.Line("");
        report.Line($"{level} the stack's floor: HTTP, the contact's grain, a chip's grain, one statement (`SELECT $1`), nothing else (StackFloor), " +
                    $"as a child process; layers added: {(Layers.Length == 0 ? "none" : string.Join(',', Layers))}");
        report.Line($"the floor node's {warmup}");
        report.Line("| clients | requests/s | p50 ms | p99 ms | CPU node | CPU load generator | CPU pg | node allocated | node context switches | ratio to pgbench simple-update |");
        report.Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (clients, pgbench) in runs)
        {
            var m = await child.MeasureAsync(Select, clients, seconds, async () => (await CountersAsync(child.Http)).Allocated);
            report.Line($"| {clients} | {m.Rate:F0} | {m.P50:F2} | {m.P99:F2} | {m.NodeMs:F3} | {m.LoadMs:F3} | {m.PostgresMs:F3} | {m.Bytes:N0} B | " +
                        $"{m.Switches:F1} | {m.Rate / pgbench.Tps:F2} |");
        }
    }

    /// <summary>The child process: serves <c>POST /floor</c> until killed.</summary>
    public static async Task ServeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Postgres")!));
        // Layers the node has on top of the floor, each as the node configures it, added to price them
        // (FLOOR_LAYERS=metrics,propagation,dashboard).
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LocalPorts.Next(), LocalPorts.Next());
            if (Layers.Contains("propagation")) silo.AddActivityPropagation();
            if (Layers.Contains("dashboard")) silo.AddDashboard(ConsoleSetup.DashboardSettings);
        });
        if (Layers.Contains("metrics")) builder.Services.AddOpenTelemetry().WithMetrics(m => Telemetry.AddNodeMeters(m));
        var app = builder.Build();
        if (Layers.Contains("metrics")) app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapPost("/floor", async (FloorAsk ask, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IFloorContactGrain>(ask.Contact).SelectAsync(ask.Kind)));
        app.MapGet("/health/ready", () => "ready");
        app.MapGet("/floor/counters", () => $"{GC.GetTotalAllocatedBytes(false)} {System.Runtime.JitInfo.GetCompiledMethodCount()}");
        await app.RunAsync();
    }

    /// <summary>Bytes the floor node has allocated and methods it has compiled so far.</summary>
    public static async Task<(long Allocated, long Compiled)> CountersAsync(HttpClient http)
    {
        var parts = (await http.GetStringAsync("floor/counters")).Split(' ');
        static long Read(string part) => long.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
        return (Read(parts[0]), Read(parts[1]));
    }

    /// <summary>One request as the load generator sends a selection: a JSON body with a length, a JSON answer read back.</summary>
    public static async Task<bool> SelectAsync(HttpClient http, string contact, string kind)
    {
        using var body = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new FloorAsk(contact, kind)));
        body.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync("floor", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<FloorAnswer>())!.ChipId > 0;
    }
}

public sealed record FloorAsk(string Contact, string Kind);

[GenerateSerializer, Immutable]
public sealed record FloorAnswer([property: Id(0)] long SelectionId, [property: Id(1)] long ChipId, [property: Id(2)] string Phone,
                                 [property: Id(3)] string Instance, [property: Id(4)] string Reason, [property: Id(5)] long ConversationId);

public interface IFloorContactGrain : IGrainWithStringKey
{
    Task<FloorAnswer> SelectAsync(string kind);
}

public interface IFloorChipGrain : IGrainWithIntegerKey
{
    Task<FloorAnswer> ReserveAsync(string contact, string kind);
}

[PreferLocalPlacement]
public sealed class FloorContactGrain : Grain, IFloorContactGrain
{
    // Awaited, as the contact's grain does: its answer resumes on this grain's scheduler.
    public async Task<FloorAnswer> SelectAsync(string kind)
    {
        var contact = this.GetPrimaryKeyString();
        return await GrainFactory.GetGrain<IFloorChipGrain>(1 + (contact.GetHashCode() & 0x7fffffff) % 100).ReserveAsync(contact, kind);
    }
}

public sealed class FloorChipGrain(NpgsqlDataSource db) : Grain, IFloorChipGrain
{
    long _sent;

    public async Task<FloorAnswer> ReserveAsync(string contact, string kind)
    {
        await using var cmd = db.CreateCommand("SELECT $1::bigint");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ++_sent });
        var id = (long)(await cmd.ExecuteScalarAsync())!;
        return new FloorAnswer(id, this.GetPrimaryKeyLong(), "+5511970000000", "floor", kind == "reply" ? "affinity" : "ranked", id);
    }
}
