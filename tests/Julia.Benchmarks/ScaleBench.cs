using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Grains.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Julia.Benchmarks;

/// <summary>
/// Selection latency as the pool grows: 100 and 10,000 chips, 100,000 and 1,000,000 contacts, each on a
/// fresh database and a fresh node. Cold: every selection is the first for its contact (its grain
/// activates and reads the contact). Warm: the same contacts again (no read). 8 clients, in process,
/// replies (the full path: ranking, a chip grain's charge and its audit row), caps out of the way.
/// The node's memory is sampled after the warm pass.
/// </summary>
public static class ScaleBench
{
    const int Clients = 8;

    public static async Task RunAsync(BenchEnvironment env, Report report, int seconds)
    {
        var warmup = await WarmAsync(env);
        report.Line("");
        report.Line($"## Scale: selection through the grains, {Clients} clients, in process ({seconds} s per pass)");
        report.Line(warmup + " (on a pool of its own, before the four below)");
        report.Line($"The two pool sizes of one contact count run side by side, each on its own database and node, and take turns in {Slices} slices of each pass (A B B A …),");
        report.Line("so the machine's drift over minutes falls on both alike. CPU per selection is this process's and PostgreSQL's during the pool's own slices;");
        report.Line("memory is this benchmark process's (the load generator and the node together, after every earlier pool of the run), restarted on its database after");
        report.Line("the passes, its chips and 2 s of warm contacts active: it tells the trend, not the node's own size, which `-- memory` measures in a process of its own.");
        report.Line("| chips | contacts | pass | selections/s | p50 ms | p99 ms | granted % | CPU ms per selection: node / PostgreSQL | contacts touched | RSS MiB | managed MiB |");
        report.Line("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var contacts in new[] { 100_000, 1_000_000 })
        {
            List<Pool> pools = [await StartAsync(env, 100, contacts), await StartAsync(env, 10_000, contacts)];
            // A stride coprime with the pool size walks every contact once, in scattered order.
            string Contact(long i) => $"+55119{10000000 + 1 + i * 7919 % contacts:00000000}";
            var cold = await TakeTurnsAsync(pools, seconds, p => _ => Contact(Interlocked.Increment(ref p.Next)));
            var touched = pools.Select(p => Math.Min(p.Next + 1, contacts)).ToList();
            var warm = await TakeTurnsAsync(pools, seconds, p => rng => Contact(rng.NextInt64(Math.Min(p.Next + 1, contacts))));
            var sizes = pools.Select(p => p.Chips).ToList();
            foreach (var p in pools) await p.DisposeAsync();
            pools.Clear();

            // A node's memory with only that node in the process: each again on its database, its chips active
            // and a warm pass over the contacts it served, as a node in service would be.
            for (int i = 0; i < sizes.Count; i++)
            {
                Memory memory;
                await using (var alone = await StartAsync(env, sizes[i], contacts, seed: false))
                {
                    await MeasureAsync(alone.Grains, alone.Clock, 2, rng => Contact(rng.NextInt64(touched[i])));
                    memory = Memory.Now();
                }
                Row(report, sizes[i], contacts, "cold", cold[i], touched[i], null);
                Row(report, sizes[i], contacts, "warm", warm[i], touched[i], memory);
            }
        }
    }

    /// <summary>This process's resident and managed memory, after a full collection.</summary>
    readonly record struct Memory(double RssMiB, double ManagedMiB)
    {
        public static Memory Now()
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            return new(Process.GetCurrentProcess().WorkingSet64 / 1048576.0, managed);
        }

    }

    const int Slices = 5;

    sealed class Pool(int chips, NpgsqlDataSource db, Microsoft.AspNetCore.Builder.WebApplication app, IGrainFactory grains, SteppingClock clock) : IAsyncDisposable
    {
        public int Chips => chips;
        public IGrainFactory Grains => grains;
        public SteppingClock Clock => clock;
        public long Next = -1;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    static async Task<Pool> StartAsync(BenchEnvironment env, int chips, int contacts, bool seed = true)
    {
        var name = $"scale_{chips}_{contacts}";
        var db = await env.FreshDatabaseAsync(name);
        var (app, grains, clock) = await PoolAsync(env, db, name, chips, contacts, seed);
        // A pool in service has its chips' grains active (each sends through the day). Ranking spreads
        // selections over the least-used chips, so without this a 10,000-chip pass would activate a chip
        // grain (and read its row) on nearly every selection, and "cold contact" would also mean "cold chip".
        long spare = 0;
        await MeasureAsync(grains, clock, seconds: 0, _ => $"+55119{30000000 + Interlocked.Increment(ref spare):00000000}", count: chips + chips / 5 + 100);
        return new Pool(chips, db, app, grains, clock);
    }

    /// <summary>One pass over every pool, in turns (A B B A A B …), each pool's slices pooled into its figures.</summary>
    static async Task<List<Measured>> TakeTurnsAsync(List<Pool> pools, int seconds, Func<Pool, Func<Random, string>> contact)
    {
        var slices = pools.Select(_ => new List<Measured>()).ToList();
        var sliceSeconds = Math.Max(1.0, seconds / (double)Slices);
        for (int turn = 0; turn < Slices * pools.Count; turn++)
        {
            int round = turn / pools.Count, at = turn % pools.Count;
            int i = round % 2 == 0 ? at : pools.Count - 1 - at;
            slices[i].Add(await MeasureAsync(pools[i].Grains, pools[i].Clock, sliceSeconds, contact(pools[i])));
        }
        return slices.Select(Measured.Combine).ToList();
    }

    /// <summary>A seeded pool on its own database, a node on it, caps out of the way.</summary>
    static async Task<(Microsoft.AspNetCore.Builder.WebApplication, IGrainFactory, SteppingClock)> PoolAsync(BenchEnvironment env, NpgsqlDataSource db, string name,
                                                                                                          int chips, int contacts, bool seed = true)
    {
        if (seed) await SeedAsync(db, chips, contacts);
        var clock = new SteppingClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(-3)));
        var (app, _) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor(name) + ";Maximum Pool Size=64",
        }, clock);
        await using (var cmd = db.CreateCommand("UPDATE pool_config SET config = '{\"targets\":{\"activeMax\":100000},\"caps\":{\"minGapScale\":0,\"operating\":{\"perHour\":1000000,\"perDay\":10000000}}}'"))
            await cmd.ExecuteNonQueryAsync();
        return (app, app.Services.GetRequiredService<IGrainFactory>(), clock);
    }

    /// <summary>Selections on a pool of its own until the JIT settles, so the first size measured is not also the JIT's warm-up.</summary>
    static async Task<string> WarmAsync(BenchEnvironment env)
    {
        await using var db = await env.FreshDatabaseAsync("scale_warm");
        var (app, grains, clock) = await PoolAsync(env, db, "scale_warm", 100, 100_000);
        long next = 0;
        var said = await Warmup.UntilJitSettlesAsync(async _ =>
        {
            await MeasureAsync(grains, clock, 2, _ => $"+55119{10000000 + 1 + Interlocked.Increment(ref next) * 7919 % 100_000:00000000}");
            await MeasureAsync(grains, clock, 2, rng => $"+55119{10000000 + 1 + rng.NextInt64(Math.Min(next, 100_000)) * 7919 % 100_000:00000000}");
        }, maxRounds: 6);
        await app.StopAsync();
        await app.DisposeAsync();
        return said;
    }

    static void Row(Report report, int chips, int contacts, string pass, Measured m, long touched, Memory? memory)
    {
        var (rss, managed) = memory is { } k ? ($"{k.RssMiB:F0}", $"{k.ManagedMiB:F0}") : ("", "");
        report.Line($"| {chips:N0} | {contacts:N0} | {pass} | {m.Rate:F0} | {m.P50:F2} | {m.P99:F2} | {m.Granted:P0} | {m.Cpu.Self.TotalMilliseconds / m.Count:F2} / {m.Cpu.Postgres.TotalMilliseconds / m.Count:F2} | {touched:N0} | {rss} | {managed} |");
    }

    /// <summary>Selections by <see cref="Clients"/> clients for the given seconds, or until the given count of selections when given.</summary>
    sealed record Measured(List<double> Latencies, long GrantedCount, double Seconds, CpuSample Cpu)
    {
        public int Count => Math.Max(1, Latencies.Count);
        public double Rate => Latencies.Count / Seconds;
        public double P50 => Report.Percentile(Latencies, 0.5);
        public double P99 => Report.Percentile(Latencies, 0.99);
        public double Granted => Latencies.Count == 0 ? 0 : GrantedCount / (double)Latencies.Count;

        public static Measured Combine(List<Measured> parts) =>
            new([.. parts.SelectMany(p => p.Latencies).Order()], parts.Sum(p => p.GrantedCount), parts.Sum(p => p.Seconds),
                parts.Select(p => p.Cpu).Aggregate((a, b) => a + b));
    }

    static async Task<Measured> MeasureAsync(IGrainFactory grains, SteppingClock clock, double seconds, Func<Random, string> contact, long count = long.MaxValue)
    {
        var cpu = CpuSample.Now();
        long started = 0;
        var latencies = new ConcurrentBag<List<double>>();
        long granted = 0;
        var end = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * seconds);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var mine = new List<double>(100_000);
            var rng = new Random(c * 104729 + Environment.TickCount);
            while ((count < long.MaxValue || Stopwatch.GetTimestamp() < end) && Interlocked.Increment(ref started) <= count)
            {
                var start = Stopwatch.GetTimestamp();
                var answer = await grains.GetGrain<IConversationGrain>(contact(rng)).SelectAsync("reply", []);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (answer.Selected is not null) Interlocked.Increment(ref granted);
                clock.Step();
            }
            latencies.Add(mine);
        }));
        return new([.. latencies.SelectMany(x => x).Order()], granted, seconds, CpuSample.Now() - cpu);
    }

    /// <summary>A pool in use: chips over five DDDs, contacts with a lawful basis, half in a conversation, two months of decisions.</summary>
    internal static async Task SeedAsync(NpgsqlDataSource db, int chips, int contacts)
    {
        await using var cmd = db.CreateCommand($"""
            INSERT INTO chips (phone, ddd, instance, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at)
            SELECT '+55' || (ARRAY[11, 21, 31, 41, 51])[1 + i % 5] || '97' || lpad(i::text, 7, '0'), (ARRAY[11, 21, 31, 41, 51])[1 + i % 5],
                   'bench-' || i, 'active', true, 80 + i % 20, 5, now() - interval '90 days', now(), now()
            FROM generate_series(1, {chips}) AS i;
            INSERT INTO contacts (phone, ddd, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
            SELECT '+55119' || lpad((10000000 + i)::text, 8, '0'), 11, 'consent', 'bench', now(), now(), now()
            FROM generate_series(1, {contacts}) AS i;
            INSERT INTO contacts (phone, ddd, lawful_basis, lawful_basis_source, lawful_basis_at, created_at, updated_at)
            SELECT '+55119' || lpad((30000000 + i)::text, 8, '0'), 11, 'consent', 'bench-spare', now(), now(), now()
            FROM generate_series(1, {chips + chips / 5 + 100}) AS i;
            INSERT INTO conversations (contact, chip_id, started_at, updated_at)
            SELECT '+55119' || lpad((10000000 + i)::text, 8, '0'), 1 + i % {chips}, now() - interval '30 days', now() - interval '10 days'
            FROM generate_series(1, {contacts}, 2) AS i;
            INSERT INTO selections (at, contact, kind, chip_id, reason, candidates, node)
            SELECT now() - interval '8 days' - (i % 5000) * interval '10 minutes',
                   '+55119' || lpad((10000000 + 1 + i % {contacts})::text, 8, '0'), 'followup', 1 + i % {chips}, 'ranked', 100, 'bench-seed'
            FROM generate_series(1, {Math.Min(contacts * 3, 1_000_000)}) AS i;
            ANALYZE;
            """);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }
}
