using System.Diagnostics;
using Julia.Simulator;
using Npgsql;

namespace Julia.Benchmarks;

/// <summary>
/// Queue drain: 10,000 messages enqueued at once, measured until every one is sent through the
/// Evolution simulator (selection, reservation, gateway call, fenced completion, breaker update), on
/// one node. Pacing off (caps.minGapScale 0, large caps): this measures the machinery, not the policy.
/// </summary>
public static class DrainBench
{
    const int Messages = 10_000, Chips = 20, Runs = 3;

    public static async Task RunAsync(BenchEnvironment env, Report report)
    {
        await using var db = await env.FreshDatabaseAsync("drain");
        await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { Receipts = false, ReplyProbability = 0 });
        await using (var cmd = db.CreateCommand($"""
            INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at)
            SELECT '+551195' || lpad(i::text, 7, '0'), 11, 'drain-' || i, 'tok-' || i, 'sec-' || i, 'active', true, 95, 5, now() - interval '90 days', now(), now()
            FROM generate_series(1, {Chips}) AS i
            """)) await cmd.ExecuteNonQueryAsync();
        await using (var cmd = db.CreateCommand("""
            UPDATE pool_config SET config = '{"targets": {"activeMax": 100000}, "caps": {"minGapScale": 0, "operating": {"perHour": 1000000, "perDay": 10000000}}}'
            """)) await cmd.ExecuteNonQueryAsync();
        for (int i = 1; i <= Chips; i++) sim.AddInstance(new InstanceSpec($"drain-{i}", $"tok-{i}", $"sec-{i}", null));

        var (app, _) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor("drain") + ";Maximum Pool Size=64",
            ["Evolution:BaseUrl"] = sim.BaseAddress.ToString(),
            ["Trust:Enabled"] = "false",
        });
        // Rounds of 5,000 messages warm the JIT and the pools (a node in service is warm); then three runs of
        // 10,000 are timed, one after the other: this machine's speed wanders by ±15 % from minute to minute.
        int warmed = 0;
        var warmup = await Warmup.UntilJitSettlesAsync(async round =>
        {
            await DrainAsync(db, $"warm{round}", 5_000, 20_000_000 + round * 5_000);
            warmed += 5_000;
        });
        await using (var reset = db.CreateCommand("SELECT pg_stat_statements_reset()")) await reset.ExecuteNonQueryAsync();
        var jit = Warmup.Count;
        var wal = await WalSample.NowAsync(db);
        await using var waits = new WaitSampler(db);
        var runs = new List<(long Sent, TimeSpan Took, CpuSample Cpu)>();
        for (int run = 0; run < Runs; run++)
        {
            var cpu = CpuSample.Now();
            var sw = Stopwatch.StartNew();
            await DrainAsync(db, $"drain{run}", Messages, 30_000_000 + run * Messages);
            sw.Stop();
            var used = CpuSample.Now() - cpu;
            await using var sent = db.CreateCommand($"SELECT count(*) FROM messages WHERE status = 'sent' AND idempotency_key LIKE 'drain{run}-%'");
            runs.Add(((long)(await sent.ExecuteScalarAsync())!, sw.Elapsed, used));
        }
        var waited = await waits.StopAsync();
        var walUsed = await WalSample.NowAsync(db) - wal;
        report.Line("");
        report.Line($"## queue drain: {Runs} × 10,000 replies, 20 chips, one node, simulator gateway");
        report.Line($"{warmup}; {Warmup.Since(jit)} methods compiled during the timed runs");
        report.Line($"| run | messages sent | seconds | messages/s | CPU ms per message: node + simulator / PostgreSQL |");
        report.Line($"| ---: | ---: | ---: | ---: | ---: |");
        foreach (var (r, i) in runs.Select((r, i) => (r, i + 1)))
            report.Line($"| {i} | {r.Sent} | {r.Took.TotalSeconds:F1} | {r.Sent / r.Took.TotalSeconds:F0} | {r.Cpu.Self.TotalMilliseconds / r.Sent:F2} / {r.Cpu.Postgres.TotalMilliseconds / r.Sent:F2} |");
        var rates = runs.Select(r => r.Sent / r.Took.TotalSeconds).Order().ToList();
        long all = runs.Sum(r => r.Sent);
        report.Line($"median {rates[rates.Count / 2]:F0} messages/s; gateway calls seen {sim.Sent.Count - warmed} for {all} messages");
        report.Line($"database sessions, sampled while they worked: {waited}");
        report.Line($"WAL per message: {walUsed.PerItem(all)}");
        await BenchEnvironment.ReportStatementsAsync(db, report, top: 10);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Enqueues <paramref name="count"/> replies to distinct contacts (numbered from <paramref name="firstContact"/>) and waits until none is queued or sending.</summary>
    static async Task DrainAsync(NpgsqlDataSource db, string prefix, int count, int firstContact)
    {
        long before;
        await using (var last = db.CreateCommand("SELECT coalesce(max(id), 0) FROM messages")) before = (long)(await last.ExecuteScalarAsync())!;
        await using (var cmd = db.CreateCommand($"""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            SELECT '{prefix}-' || i, '+55119' || lpad(({firstContact} + i)::text, 8, '0'), 'reply', 'Olá! ' || i, 'queued', now(), now() + interval '1 hour', now(), now()
            FROM generate_series(1, {count}) AS i
            """)) await cmd.ExecuteNonQueryAsync();
        var deadline = Stopwatch.StartNew();
        bool busy;
        do
        {
            await Task.Delay(100);
            // Through the queue's partial indexes (literal statuses), and only this batch's rows: the poll must not
            // itself become PostgreSQL work (a status count scanned the whole table ten times a second).
            await using var cmd = db.CreateCommand($"""
                SELECT EXISTS (SELECT FROM messages WHERE status = 'queued' AND id > {before})
                    OR EXISTS (SELECT FROM messages WHERE status = 'sending' AND id > {before})
                """);
            busy = (bool)(await cmd.ExecuteScalarAsync())!;
        } while (busy && deadline.Elapsed < TimeSpan.FromMinutes(5));
    }
}
