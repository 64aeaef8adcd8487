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
        report.Line("| chips | contacts | pass | selections/s | p50 ms | p99 ms | granted % | CPU ms per selection: node / PostgreSQL | contacts touched | RSS MiB | managed MiB |");
        report.Line("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (chips, contacts) in new[] { (100, 100_000), (10_000, 100_000), (100, 1_000_000), (10_000, 1_000_000) })
        {
            var name = $"scale_{chips}_{contacts}";
            await using var db = await env.FreshDatabaseAsync(name);
            var (app, grains, clock) = await PoolAsync(env, db, name, chips, contacts);
            // A pool in service has its chips' grains active (each sends through the day). Ranking spreads
            // selections over the least-used chips, so without this a 10,000-chip pass would activate a chip
            // grain (and read its row) on nearly every selection, and "cold contact" would also mean "cold chip".
            long spare = 0;
            await MeasureAsync(grains, clock, seconds: 0, _ => $"+55119{30000000 + Interlocked.Increment(ref spare):00000000}", count: chips + chips / 5 + 100);
            // A stride coprime with the pool size walks every contact once, in scattered order.
            long next = -1;
            string Contact(long i) => $"+55119{10000000 + 1 + i * 7919 % contacts:00000000}";

            var cold = await MeasureAsync(grains, clock, seconds, _ => Contact(Interlocked.Increment(ref next)));
            long touched = Math.Min(next + 1, contacts);
            Row(report, chips, contacts, "cold", cold, touched);
            var warm = await MeasureAsync(grains, clock, seconds, rng => Contact(rng.NextInt64(touched)));
            Row(report, chips, contacts, "warm", warm, touched);
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A seeded pool on its own database, a node on it, caps out of the way.</summary>
    static async Task<(Microsoft.AspNetCore.Builder.WebApplication, IGrainFactory, SteppingClock)> PoolAsync(BenchEnvironment env, NpgsqlDataSource db, string name,
                                                                                                          int chips, int contacts)
    {
        await SeedAsync(db, chips, contacts);
        var clock = new SteppingClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(-3)));
        var (app, _) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor(name) + ";Maximum Pool Size=64",
        }, clock);
        await using (var cmd = db.CreateCommand("UPDATE pool_config SET config = '{\"caps\":{\"minGapScale\":0,\"operating\":{\"perHour\":1000000,\"perDay\":10000000}}}'"))
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

    static void Row(Report report, int chips, int contacts, string pass, Measured m, long touched)
    {
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var rss = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        report.Line($"| {chips:N0} | {contacts:N0} | {pass} | {m.Rate:F0} | {m.P50:F2} | {m.P99:F2} | {m.Granted:P0} | {m.Cpu.Self.TotalMilliseconds / m.Count:F2} / {m.Cpu.Postgres.TotalMilliseconds / m.Count:F2} | {touched:N0} | {rss:F0} | {managed:F0} |");
    }

    /// <summary>Selections by <see cref="Clients"/> clients for <paramref name="seconds"/>, or until <paramref name="count"/> selections when given.</summary>
    record Measured(double Rate, double P50, double P99, double Granted, int Count, CpuSample Cpu);

    static async Task<Measured> MeasureAsync(IGrainFactory grains, SteppingClock clock, int seconds, Func<Random, string> contact, long count = long.MaxValue)
    {
        var cpu = CpuSample.Now();
        long started = 0;
        var latencies = new ConcurrentBag<List<double>>();
        long granted = 0;
        var end = Stopwatch.GetTimestamp() + Stopwatch.Frequency * seconds;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var mine = new List<double>(100_000);
            var rng = new Random(c * 104729);
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
        var all = latencies.SelectMany(x => x).Order().ToList();
        return new(all.Count / (double)seconds, Report.Percentile(all, 0.5), Report.Percentile(all, 0.99), all.Count == 0 ? 0 : granted / (double)all.Count,
            Math.Max(1, all.Count), CpuSample.Now() - cpu);
    }

    /// <summary>A pool in use: chips over five DDDs, contacts with a lawful basis, half in a conversation, two months of decisions.</summary>
    static async Task SeedAsync(NpgsqlDataSource db, int chips, int contacts)
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
