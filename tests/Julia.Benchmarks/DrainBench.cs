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
    const int Messages = 10_000, Chips = 20;

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
            UPDATE pool_config SET config = '{"caps": {"minGapScale": 0, "operating": {"perHour": 1000000, "perDay": 10000000}}}'
            """)) await cmd.ExecuteNonQueryAsync();
        for (int i = 1; i <= Chips; i++) sim.AddInstance(new InstanceSpec($"drain-{i}", $"tok-{i}", $"sec-{i}", null));

        var (app, _) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor("drain") + ";Maximum Pool Size=64",
            ["Evolution:BaseUrl"] = sim.BaseAddress.ToString(),
            ["Trust:Enabled"] = "false",
            ["Outbox:Parallelism"] = Environment.GetEnvironmentVariable("DRAIN_PARALLELISM") ?? "16",
            ["Outbox:BatchSize"] = Environment.GetEnvironmentVariable("DRAIN_BATCH") ?? "64",
        });
        // A first 1,000 messages warm the JIT and the pools (a node in service is warm); then 10,000 are timed.
        await DrainAsync(db, "warm", 1_000);
        var cpu = CpuSample.Now();
        var sw = Stopwatch.StartNew();
        await DrainAsync(db, "drain", Messages);
        sw.Stop();
        var used = CpuSample.Now() - cpu;
        await using var sent = db.CreateCommand("SELECT count(*) FROM messages WHERE status = 'sent' AND idempotency_key LIKE 'drain-%'");
        var n = (long)(await sent.ExecuteScalarAsync())!;
        report.Line("");
        report.Line("## queue drain: 10,000 replies, 20 chips, one node, simulator gateway");
        report.Line($"| messages sent | seconds | messages/s | gateway calls seen | CPU ms per message: node + simulator / PostgreSQL |");
        report.Line($"| ---: | ---: | ---: | ---: | ---: |");
        report.Line($"| {n} | {sw.Elapsed.TotalSeconds:F1} | {n / sw.Elapsed.TotalSeconds:F0} | {sim.Sent.Count - 1_000} | {used.Self.TotalMilliseconds / n:F2} / {used.Postgres.TotalMilliseconds / n:F2} |");
        await BenchEnvironment.ReportStatementsAsync(db, report, top: 6);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Enqueues <paramref name="count"/> replies to distinct contacts and waits until none is queued or sending.</summary>
    static async Task DrainAsync(NpgsqlDataSource db, string prefix, int count)
    {
        await using (var cmd = db.CreateCommand($"""
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            SELECT '{prefix}-' || i, '+55119' || lpad(({(prefix == "warm" ? 20000000 : 30000000)} + i)::text, 8, '0'), 'reply', 'Olá! ' || i, 'queued', now(), now() + interval '1 hour', now(), now()
            FROM generate_series(1, {count}) AS i
            """)) await cmd.ExecuteNonQueryAsync();
        var deadline = Stopwatch.StartNew();
        long left;
        do
        {
            await Task.Delay(100);
            await using var cmd = db.CreateCommand("SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')");
            left = (long)(await cmd.ExecuteScalarAsync())!;
        } while (left > 0 && deadline.Elapsed < TimeSpan.FromMinutes(5));
    }
}
