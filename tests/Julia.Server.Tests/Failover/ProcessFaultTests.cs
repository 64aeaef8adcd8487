using System.Net;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Julia.Storage.Local;
using Julia.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Failover;

/// <summary>
/// Two real server processes on one PostgreSQL (its own cluster: this test restarts it) send 10,000
/// messages through the simulator. One node is killed with SIGKILL at 15 %; PostgreSQL is stopped
/// abruptly and started again at 50 %. Every message must end sent, none lost, and the duplicates
/// (sends repeated because a lease passed to another node) must not exceed what was in flight.
/// </summary>
[Trait("Category", "Fault")]
public class ProcessFaultTests(ITestOutputHelper output)
{
    const int Messages = 10_000;

    [Fact]
    public async Task Kill_9_a_node_and_restart_postgres_mid_run_and_nothing_is_lost()
    {
        var dir = Path.Combine(Path.GetTempPath(), "julia-faults-" + Guid.NewGuid().ToString("N")[..8]);
        await using var pg = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDir = dir, Durable = false }, NullLogger.Instance);
        await using var db = NpgsqlDataSource.Create(pg.ConnectionString);
        await Migrator.ApplyAsync(db, NullLogger.Instance);
        await using var sim = await EvolutionSimulator.StartAsync(new SimulatorOptions { Receipts = false, ReplyProbability = 0 });

        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 20; i++)
        {
            var id = await Seed.ChipAsync(db, now, trust: 95);
            var instance = await Sql.Scalar<string>(db, "SELECT instance FROM chips WHERE id = @id", ("id", id));
            sim.AddInstance(new InstanceSpec(instance, "tok-" + instance, "sec-" + instance, null));
        }
        await Sql.Exec(db, """UPDATE pool_config SET config = '{"targets": {"activeMax": 100}, "caps": {"minGapScale": 0, "operating": {"perHour": 100000, "perDay": 1000000}}}'""");
        await Sql.Exec(db, """
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            SELECT 'load-' || i, '+55119' || lpad((70000000 + i)::text, 8, '0'), 'reply', 'load-' || i, 'queued', @now, @now + interval '1 hour', @now, @now
            FROM generate_series(1, @n) AS i
            """, ("now", now), ("n", Messages));

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = pg.ConnectionString,
            ["Evolution:BaseUrl"] = sim.BaseAddress.ToString(),
            ["Evolution:AttemptTimeout"] = "00:00:01",
            ["Evolution:Retries"] = "1",
            ["Evolution:RetryBaseDelay"] = "00:00:00.050",
            ["Outbox:Lease"] = "00:00:08",
            ["Outbox:RetryBaseDelay"] = "00:00:00.200",
            // A send whose answer died with PostgreSQL is in doubt; its gateway's echo may have come while PostgreSQL was down
            // (answered 503, not retried), so the gateway is asked after this wait (10 minutes in service).
            ["Outbox:InDoubtWait"] = "00:00:05",
            ["Trust:Enabled"] = "false",
        };
        using var a = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-a" });
        using var b = ServerProcess.Start(new Dictionary<string, string>(settings) { ["Julia:NodeId"] = "node-b" });
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());
        var started = DateTime.UtcNow;

        Task<long> Sent() => Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE sent_at IS NOT NULL");
        await Eventually.True(async () => await Sent() >= Messages * 15 / 100, TimeSpan.FromMinutes(2), "15 % sent");
        b.Kill();
        var killedAt = DateTime.UtcNow;
        var inFlightAtKill = await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE status = 'sending' AND lease_owner = 'node-b'");
        // The survivor declares the killed node dead (Orleans membership status 6) within seconds, under this load.
        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE siloname = 'node-b' AND status = 6") == 1,
            TimeSpan.FromSeconds(30), "node-b declared dead");
        var declaredDead = DateTime.UtcNow - killedAt;
        Assert.Equal(3, await Sql.Scalar<int>(db, "SELECT status FROM orleansmembership WHERE siloname = 'node-a'")); // no false eviction

        await Eventually.True(async () => await Sent() >= Messages / 2, TimeSpan.FromMinutes(2), "50 % sent");
        var inFlightAtStop = await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE status = 'sending'");
        NpgsqlConnection.ClearAllPools();
        await pg.KillAsync();
        await Eventually.Until(() => a.ReadyAsync(), s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), "readiness 503");
        await pg.RestartAsync();
        await Eventually.True(async () => await a.ReadyAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness 200 again");
        db.Clear(); // the test's own pooled connections died with the server

        await Eventually.True(async () => await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE status IN ('queued', 'sending', 'in_doubt')") == 0,
            TimeSpan.FromMinutes(3), "every message to finish");
        var elapsed = DateTime.UtcNow - started;

        var statuses = await Sql.Scalar<string>(db, "SELECT string_agg(status || '=' || n, ', ') FROM (SELECT status, count(*) n FROM messages GROUP BY 1) x");
        // A retry that fails over to another number leads with the announcement; the message is the same.
        var byText = sim.Sent.GroupBy(s => s.Text.Split("\n\n")[^1]).ToDictionary(g => g.Key, g => g.Count());
        var duplicates = byText.Values.Sum(n => n - 1);
        output.WriteLine($"{Messages} messages in {elapsed.TotalSeconds:F1} s; statuses: {statuses}; in flight at kill: {inFlightAtKill}, at PostgreSQL stop: {inFlightAtStop}; duplicates: {duplicates}; node-b declared dead after {declaredDead.TotalSeconds:F1} s");
        // 3–4 s on an idle machine; under load the adaptive probe timeout may stretch it to ~12 s (OrleansHosting).
        Assert.True(declaredDead < TimeSpan.FromSeconds(15), $"node-b declared dead only after {declaredDead.TotalSeconds:F1} s");

        Assert.Equal((long)Messages, await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE status = 'sent'"));
        Assert.Equal(Messages, byText.Count); // every message reached the gateway
        Assert.True(duplicates <= inFlightAtKill + inFlightAtStop, $"{duplicates} duplicates > {inFlightAtKill} + {inFlightAtStop} in flight");
        // Each sent message has its send logged: an attempt that ended sent, or, for one in doubt (its answer died with the node or
        // PostgreSQL), the gateway's confirmation on its timeline.
        Assert.Equal(0L, await Sql.Scalar<long>(db, """
            SELECT count(*) FROM messages m
            WHERE NOT EXISTS (SELECT 1 FROM message_attempts a WHERE a.message_id = m.id AND a.outcome = 'sent')
              AND NOT EXISTS (SELECT 1 FROM message_events e WHERE e.message_id = m.id AND e.status = 'sent' AND e.detail LIKE 'confirmed by the gateway%')
            """));
        a.Kill();
        NpgsqlConnection.ClearAllPools();
    }
}
