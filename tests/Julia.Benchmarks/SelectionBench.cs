using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Client;
using Julia.Server;
using Julia.Storage.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Julia.Benchmarks;

/// <summary>
/// Selections per second and latency through the HTTP API (client, Kestrel, selection, PostgreSQL),
/// 100 chips and 100,000 contacts, at 1, 8 and 32 concurrent clients; pgbench simple-update at the
/// same concurrency on the same server as the baseline. The service runs on a clock that moves 100 ms
/// per request with gaps scaled to match, so chips keep coming out of their min gap as in production.
/// </summary>
public static class SelectionBench
{
    /// <summary>Contacts drawn from (all 100,000 by default; BENCH_CONTACTS narrows it, to time warm selections alone).</summary>
    static readonly int ContactSpread = int.TryParse(Environment.GetEnvironmentVariable("BENCH_CONTACTS"), out var n) ? n : 100_000;

    /// <summary>Set by <c>--alloc-profile</c>: each timed run also says which types its bytes went to.</summary>
    public static AllocationProfile? Profile { get; set; }

    /// <summary>Set by <c>--meter-profile</c>: each timed run also says which instruments recorded, how often.</summary>
    public static MeterProfile? Meters { get; set; }

    /// <param name="only">Run just these client counts and this path (for profiling), or everything when null.</param>
    public static async Task RunAsync(BenchEnvironment env, Report report, int seconds, (int[] Clients, string? Path)? only = null)
    {
        await using var db = await env.FreshDatabaseAsync("selection");
        await SeedAsync(db);
        var key = await new ApiKeyStore(db).CreateAsync("bench", ["agent", "operator"], DateTimeOffset.UtcNow, default);
        // Monday 08:30 in São Paulo: warm-up and runs together stay inside the day's sending window.
        var clock = new SteppingClock(new DateTimeOffset(2026, 11, 23, 8, 30, 0, TimeSpan.FromHours(-3)));
        var app = await JuliaApp.CreateAsync([], b =>
        {
            b.Configuration["urls"] = "http://127.0.0.1:0";
            b.Configuration["Julia:LogLevel"] = "Warning";
            b.Configuration["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor("selection") + ";Maximum Pool Size=64";
            b.Services.AddSingleton(new Julia.Grains.Clock(clock));
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Generous caps: the benchmark measures the reservation path, not refusals.
        // The clock moves 100 ms per request; gaps scaled to match (45 s → 0.9 s), so a run of ~100,000
        // selections stays inside one afternoon's sending window with the same pacing pressure.
        await Client(url, key, 1).PutPoolConfigAsync(new { targets = new { activeMax = 100_000 }, caps = new { minGapScale = 0.02, operating = new { perHour = 100_000, perDay = 1_000_000 } } });

        var http = Client(url, key, 64);
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var paths = new (string Name, Func<string, string, Task<bool>> Select)[]
        {
            // The engine: the contact's grain (guardrails, ranking) and the chip's grain (reservation and audit, one statement).
            ("in-process", async (contact, kind) =>
                (await grains.GetGrain<Julia.Grains.Conversations.IConversationGrain>(contact).SelectAsync(kind, [])).Selected is not null),
            // The same through the API: client, Kestrel, auth, JSON; the client shares the 2 cores.
            ("HTTP", (contact, kind) => SelectOverHttpAsync(http, contact, kind)),
        };
        var warmup = only?.Path is NodePath ? "" : await Warmup.UntilJitSettlesAsync(async _ =>
        {
            foreach (var (_, select) in paths) await MeasureAsync(select, clock.Step, 8, 2);
        }, maxRounds: 6);
        using var node = only?.Path is null or NodePath ? await NodeAloneAsync(env) : null;
        await using (var reset = db.CreateCommand("SELECT pg_stat_statements_reset()")) await reset.ExecuteNonQueryAsync();
        var jit = Warmup.Count;
        report.Line("");
        report.Line("## selection: 100 chips, 100,000 contacts, kinds reply/followup");
        report.Line(warmup);
        report.Line("CPU columns: milliseconds of CPU per selection (per pgbench transaction) spent by this process and by PostgreSQL; allocated: bytes this process allocated per selection (the node's background work included).");
        report.Line("| path | clients | selections/s | p50 ms | p99 ms | reserved % | CPU self | CPU pg | allocated | pgbench simple-update TPS | pgbench p50 / p99 ms | pgbench CPU pg | ratio |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var alone = new List<string>();
        var chargeAlone = node is null ? null : ChargeFloor.Script();
        var baselines = new List<(int, PgbenchResult)>();
        foreach (var clients in only?.Clients ?? [1, 8, 32])
        {
            var before = CpuSample.Now();
            var pgbench = await env.PgbenchAsync("simple-update", clients, seconds);
            var tps = pgbench.Tps;
            var pgbenchCpu = (CpuSample.Now() - before).Postgres.TotalMilliseconds / (tps * seconds);
            foreach (var (name, select) in paths.Where(p => only?.Path is null || p.Name == only.Value.Path))
            {
                before = CpuSample.Now();
                var allocated = GC.GetTotalAllocatedBytes(false);
                Profile?.Start();
                Meters?.Start();
                var m = await MeasureAsync(select, clock.Step, clients, seconds);
                allocated = GC.GetTotalAllocatedBytes(false) - allocated;
                var top = Profile?.Top(m.All).ToList();
                var cpu = CpuSample.Now() - before;
                report.Line($"| {name} | {clients} | {m.Rate:F0} | {m.P50:F2} | {m.P99:F2} | {m.Reserved:P0} | " +
                            $"{cpu.Self.TotalMilliseconds / m.All:F3} | {cpu.Postgres.TotalMilliseconds / m.All:F3} | {allocated / m.All:N0} B | {tps:F0} | " +
                            $"{pgbench.P50:F2} / {pgbench.P99:F2} | {pgbenchCpu:F3} | {m.Rate / tps:F2} |");
                if (top is not null)
                {
                    report.Line($"allocated by type ({name}, {clients} clients; sampled, per selection; load generator included):");
                    foreach (var t in top) report.Line(t);
                }
                if (Meters is not null)
                {
                    report.Line($"measurements by instrument ({name}, {clients} clients; per selection; load generator included):");
                    foreach (var t in Meters.Top(m.All)) report.Line(t);
                }
            }
            if (node is null) continue;
            // The database's own rate for this path: the node's charge statement alone, from pgbench.
            var floor = await env.PgbenchScriptAsync(chargeAlone!, clients, seconds, FloorDatabase, prepared: true);
            alone.Add(await node.MeasureAsync(clients, seconds, pgbench, floor));
            baselines.Add((clients, pgbench));
        }
        if (node is not null)
        {
            report.Line("");
            report.Line("### the node alone: Julia.Server as a child process, over HTTP, on its own copy of the database (real clock, no minimum gap)");
            report.Line(node.Warmup);
            report.Line("CPU: milliseconds per selection of the node's process, of this process (the load generator: client and JSON) and of PostgreSQL; " +
                        "allocated: bytes the node's process allocated per selection (its runtime meter); context switches: of the node's threads, per selection.");
            report.Line("The charge alone: the node's charge statement run by pgbench on a copy of the same pool, with no node (ChargeFloor): the database's own rate for warm selections, each committed alone.");
            report.Line("| clients | selections/s | p50 ms | p99 ms | reserved % | CPU node | CPU load generator | CPU pg | node allocated | node context switches | pgbench simple-update TPS | pgbench p99 ms | ratio | p99 ratio | the charge alone, TPS | ratio to it |");
            report.Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var line in alone) report.Line(line);
            report.Line("database time by statement (the node alone's timed runs):");
            await BenchEnvironment.ReportStatementsAsync(node.Db, report);
            node.Dispose(); // not running beside the floor node

            await StackFloor.ReportAsync(report, "###", env.Postgres.ConnectionStringFor(FloorDatabase), baselines, seconds);
        }
        await using (var mix = db.CreateCommand("""
            SELECT string_agg(outcome || ' ' || n, ', ' ORDER BY n DESC) FROM (
                SELECT coalesce(code, reason) AS outcome, count(*) AS n FROM selections WHERE node <> 'bench-seed' GROUP BY 1) x
            """))
            report.Line($"decisions: {(await mix.ExecuteScalarAsync()) as string ?? "none in this process (the node alone keeps its own)"}");
        report.Line($"methods compiled during the timed runs: {Warmup.Since(jit)}");
        report.Line("database time by statement (all selection runs):");
        await BenchEnvironment.ReportStatementsAsync(db, report);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>One selection through the API: true when a chip was reserved, false when it was refused.</summary>
    static async Task<bool> SelectOverHttpAsync(JuliaClient http, string contact, string kind)
    {
        try { await http.SelectAsync(contact, kind); return true; }
        catch (JuliaApiException) { return false; }
    }

    static JuliaClient Client(string url, string key, int connections) =>
        new(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url + "/") }, key);

    /// <param name="step">Called after each selection (the in-process node's clock moves 100 ms).</param>
    internal static async Task<(double Rate, double P50, double P99, double Reserved, long All)> MeasureAsync(Func<string, string, Task<bool>> select,
        Action step, int clients, int seconds)
    {
        var latencies = new ConcurrentBag<List<double>>();
        long reserved = 0, total = 0, attempts = 0;
        var warmupEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
        var end = warmupEnd + Stopwatch.Frequency * seconds;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = new List<double>(100_000);
            var rng = new Random(c * 7919);
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= end) break;
                var contact = $"+55119{rng.Next(1, ContactSpread + 1) + 10000000:00000000}";
                bool ok = await select(contact, rng.Next(4) == 0 ? "followup" : "reply");
                step();
                Interlocked.Increment(ref attempts);
                if (start >= warmupEnd)
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref total);
                    if (ok) Interlocked.Increment(ref reserved);
                }
            }
            latencies.Add(mine);
        }));
        var all = latencies.SelectMany(x => x).Order().ToList();
        return (all.Count / (double)seconds, Report.Percentile(all, 0.5), Report.Percentile(all, 0.99), total == 0 ? 0 : reserved / (double)total, attempts);
    }

    const string NodePath = "node";

    /// <summary>The copy of the pool the charge floor writes to (the node's copy stays the node's).</summary>
    const string FloorDatabase = "selection_floor";

    /// <summary>A node in a process of its own on a copy of the benchmark's pool, warmed up until its JIT is quiet.</summary>
    static async Task<AloneNode> NodeAloneAsync(BenchEnvironment env)
    {
        const string name = "selection_node";
        var db = await env.FreshDatabaseAsync(name);
        await SeedAsync(db);
        await using (var floor = await env.FreshDatabaseAsync(FloorDatabase)) await SeedAsync(floor);
        var key = await new ApiKeyStore(db).CreateAsync("bench", ["agent", "operator"], DateTimeOffset.UtcNow, default);
        var child = await ChildNode.StartAsync(env.Postgres.ConnectionStringFor(name) + ";Maximum Pool Size=64", serverGc: false);
        var url = child.Url.ToString().TrimEnd('/');
        // The child runs on the real clock: the window is open all week and there is no minimum gap, so every hour of the day
        // measures the reservation path, not refusals.
        await Client(url, key, 1).PutPoolConfigAsync(new
        {
            window = new { start = "00:00:00", end = "23:59:59", days = new[] { 0, 1, 2, 3, 4, 5, 6 } },
            targets = new { activeMax = 100_000 },
            caps = new { minGapScale = 0, operating = new { perHour = 1_000_000, perDay = 10_000_000 } },
        });
        var node = new AloneNode(child, Client(url, key, 64), db);
        var warmup = await Warmup.UntilJitSettlesAsync(_ => MeasureAsync(node.SelectAsync, () => { }, 8, 2), maxRounds: 8,
            methods: async () => (await child.CountersAsync()).Compiled);
        // What the node and PostgreSQL spend with no traffic (the workers' polls, membership, samplers): at one client it is a
        // large part of each selection's share.
        var idle = (Cpu: child.Cpu(), All: CpuSample.Now(), Switches: child.ContextSwitches());
        await Task.Delay(5000);
        var idleNode = (child.Cpu() - idle.Cpu).TotalMilliseconds / 5000;
        var idleSwitches = ChildNode.SwitchesBetween(idle.Switches, child.ContextSwitches()) / 5.0;
        var idleAll = CpuSample.Now() - idle.All;
        await using (var reset = db.CreateCommand("SELECT pg_stat_statements_reset()")) await reset.ExecuteNonQueryAsync();
        node.Warmup = $"the node's {warmup}; " +
                      $"idle for 5 s after it: the node {idleNode:P1} of a core and {idleSwitches:F0} context switches a second, this process {idleAll.Self.TotalMilliseconds / 5000:P1}, PostgreSQL {idleAll.Postgres.TotalMilliseconds / 5000:P1}";
        return node;
    }

    sealed class AloneNode(ChildNode child, JuliaClient http, NpgsqlDataSource db) : IDisposable
    {
        public NpgsqlDataSource Db => db;

        public string Warmup { get; set; } = "";

        public Task<bool> SelectAsync(string contact, string kind) => SelectOverHttpAsync(http, contact, kind);

        /// <summary>One timed run at <paramref name="clients"/>: a row of the node-alone table.</summary>
        public async Task<string> MeasureAsync(int clients, int seconds, PgbenchResult pgbench, PgbenchResult floor)
        {
            var m = await child.MeasureAsync(SelectAsync, clients, seconds, async () => (await child.CountersAsync()).Allocated);
            return $"| {clients} | {m.Rate:F0} | {m.P50:F2} | {m.P99:F2} | {m.Reserved:P0} | {m.NodeMs:F3} | " +
                   $"{m.LoadMs:F3} | {m.PostgresMs:F3} | {m.Bytes:N0} B | {m.Switches:F1} | {pgbench.Tps:F0} | " +
                   $"{pgbench.P99:F2} | {m.Rate / pgbench.Tps:F2} | {m.P99 / pgbench.P99:F2} | {floor.Tps:F0} | {m.Rate / floor.Tps:F2} |";
        }

        public void Dispose()
        {
            child.Dispose();
            db.Dispose();
        }
    }

    static async Task SeedAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO chips (phone, ddd, instance, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at)
            SELECT '+55' || (ARRAY[11, 21, 31, 41, 51])[1 + i % 5] || '97' || lpad(i::text, 7, '0'), (ARRAY[11, 21, 31, 41, 51])[1 + i % 5],
                   'bench-' || i, 'active', true, 80 + i % 20, 5, now() - interval '90 days', now(), now()
            FROM generate_series(1, 100) AS i;
            INSERT INTO contacts (phone, ddd, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
            SELECT '+55119' || lpad((10000000 + i)::text, 8, '0'), 11, 'consent', 'bench', now(), now(), now()
            FROM generate_series(1, 100000) AS i;
            -- A pool in use has history: half the contacts already talk to a number, and two months of
            -- decisions (older than the 7-day frequency window). Measuring on empty tables would also
            -- measure plans cached while they were empty, which autovacuum replaces within minutes.
            INSERT INTO conversations (contact, chip_id, started_at, updated_at)
            SELECT '+55119' || lpad((10000000 + i)::text, 8, '0'), 1 + i % 100, now() - interval '30 days', now() - interval '10 days'
            FROM generate_series(1, 100000, 2) AS i;
            INSERT INTO selections (at, contact, kind, chip_id, reason, candidates, node)
            SELECT now() - interval '8 days' - (i % 5000) * interval '10 minutes',
                   '+55119' || lpad((10000000 + 1 + i % 100000)::text, 8, '0'), 'followup', 1 + i % 100, 'ranked', 100, 'bench-seed'
            FROM generate_series(1, 300000) AS i;
            ANALYZE;
            """);
        await cmd.ExecuteNonQueryAsync();
    }
}
