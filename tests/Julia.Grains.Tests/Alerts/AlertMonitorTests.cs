using System.Text.Json;
using Julia.Domain.Alerts;
using Julia.Grains.Alerts;
using Julia.Storage.Alerts;
using Julia.Storage.Migrations;
using Julia.Storage.Pool;
using Julia.Storage.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Julia.Grains.Tests.Alerts;

/// <summary>The alert monitor's pass against a real database, one database per test, with explicit times.</summary>
public class AlertMonitorTests : IAsyncLifetime
{
    NpgsqlDataSource _db = null!;
    AlertMonitor _monitor = null!;

    // 23:59 in São Paulo, 02:59 UTC: a pass a minute later is on another day there.
    static readonly DateTimeOffset BeforeMidnightSp = new(2026, 11, 24, 2, 59, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("alertmonitor"));
        _monitor = new AlertMonitor(new AlertStore(_db), new MonitorQueries(_db), new PoolStore(_db, new JsonSerializerOptions(JsonSerializerDefaults.Web)), new AlertPolicy());
        // A small pool whose targets two healthy chips meet: every test starts with no condition.
        await Sql.Exec(_db, """UPDATE pool_config SET config = '{"targets":{"activeMin":2,"activeMax":4,"readyMin":0}}'""");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    Task<List<(long Id, string Kind, string Subject, DateTimeOffset At, DateTimeOffset LastSeen, DateTimeOffset? ResolvedAt, string? By)>> AlertsAsync(string kind) =>
        Sql.List(_db, "SELECT id, kind, subject, at, last_seen_at, resolved_at, resolved_by FROM alerts WHERE kind = @kind ORDER BY id",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4),
                  r.IsDBNull(5) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetString(6)), ("kind", kind));

    [Fact]
    public async Task A_healthy_pool_raises_nothing()
    {
        await Seed.ChipAsync(_db, BeforeMidnightSp);
        await Seed.ChipAsync(_db, BeforeMidnightSp);
        var pass = await _monitor.RunAsync(BeforeMidnightSp, default);
        Assert.Empty(pass.Conditions);
        Assert.Equal(0L, await Sql.Scalar<long>(_db, "SELECT count(*) FROM alerts"));
    }

    [Fact]
    public async Task A_low_pool_is_raised_once_resolved_on_recovery_and_raised_again_only_after_the_cooldown()
    {
        var now = BeforeMidnightSp;
        await Seed.ChipAsync(_db, now);
        var second = await Seed.ChipAsync(_db, now, status: "ready");

        var pass = await _monitor.RunAsync(now, default);
        Assert.Equal(1, pass.Raised);
        var a = Assert.Single(await AlertsAsync(AlertKinds.PoolBelowMin));
        Assert.Equal(("pool", now, (DateTimeOffset?)null), (a.Subject, a.At, a.ResolvedAt));
        Assert.Equal("pool abaixo do mínimo (1 ativos de 2)", pass.Conditions.Single(c => c.Kind == AlertKinds.PoolBelowMin).Message);

        // Still low a minute later, past midnight in São Paulo: the same alert, seen again.
        var later = now.AddMinutes(1);
        pass = await _monitor.RunAsync(later, default);
        Assert.Equal((0, 1), (pass.Raised, pass.Refreshed));
        a = Assert.Single(await AlertsAsync(AlertKinds.PoolBelowMin));
        Assert.Equal((now, later), (a.At, a.LastSeen));

        // Recovered: resolved by the monitor.
        await Sql.Exec(_db, "UPDATE chips SET status = 'active' WHERE id = @id", ("id", second));
        var recovered = now.AddMinutes(2);
        pass = await _monitor.RunAsync(recovered, default);
        Assert.Equal(1, pass.Resolved);
        a = Assert.Single(await AlertsAsync(AlertKinds.PoolBelowMin));
        Assert.Equal((recovered, "monitor"), (a.ResolvedAt!.Value, a.By));

        // Back within the cooldown (measured from the resolution): still one alert, nothing open.
        await Sql.Exec(_db, "UPDATE chips SET status = 'ready' WHERE id = @id", ("id", second));
        pass = await _monitor.RunAsync(recovered.AddMinutes(29).AddSeconds(59), default);
        Assert.Equal((0, 0), (pass.Raised, pass.Refreshed));
        Assert.Single(await AlertsAsync(AlertKinds.PoolBelowMin));

        // Still there once the cooldown has passed: a new alert (so a flapping pool pages once per cooldown).
        pass = await _monitor.RunAsync(recovered.AddMinutes(30).AddSeconds(1), default);
        Assert.Equal(1, pass.Raised);
        var all = await AlertsAsync(AlertKinds.PoolBelowMin);
        Assert.Equal(2, all.Count);
        Assert.Null(all[1].ResolvedAt);
    }

    [Fact]
    public async Task A_chip_offline_across_the_utc_hour_is_raised_after_ten_minutes_and_resolved_when_it_reconnects()
    {
        var closedAt = new DateTimeOffset(2026, 11, 24, 13, 55, 0, TimeSpan.Zero);
        await Seed.ChipAsync(_db, closedAt);
        await Seed.ChipAsync(_db, closedAt);
        var chip = await Seed.ChipAsync(_db, closedAt, status: "ready");
        await new SignalStore(_db, new AlertPolicy()).ConnectionAsync(chip, "close", 428, closedAt, default);

        await _monitor.RunAsync(closedAt.AddMinutes(10), default); // 14:05:00, exactly ten minutes: not yet
        Assert.Empty(await AlertsAsync(AlertKinds.ChipOffline));

        var pass = await _monitor.RunAsync(closedAt.AddMinutes(10).AddSeconds(1), default);
        var c = pass.Conditions.Single();
        Assert.Equal(($"chip:{chip}", "chip " + chip + " desconectado há mais de 10 min"), (c.Subject, c.Message));
        Assert.DoesNotContain("+55", c.Message);
        Assert.Single(await AlertsAsync(AlertKinds.ChipOffline));

        await new SignalStore(_db, new AlertPolicy()).ConnectionAsync(chip, "open", null, closedAt.AddMinutes(20), default);
        await _monitor.RunAsync(closedAt.AddMinutes(21), default);
        Assert.Equal("monitor", Assert.Single(await AlertsAsync(AlertKinds.ChipOffline)).By);
    }

    [Fact]
    public async Task Event_alerts_go_through_the_same_dedupe_and_are_resolved_when_the_chip_recovers()
    {
        var now = BeforeMidnightSp;
        await Seed.ChipAsync(_db, now);
        await Seed.ChipAsync(_db, now);
        var chip = await Seed.ChipAsync(_db, now, status: "ready");
        var signals = new SignalStore(_db, new AlertPolicy());
        await signals.ConnectionAsync(chip, "close", 401, now, default);
        await signals.ConnectionAsync(chip, "close", 401, now.AddMinutes(1), default); // the gateway says it again
        var a = Assert.Single(await AlertsAsync(AlertKinds.ChipLoggedOut));
        Assert.Equal(($"chip:{chip}", now.AddMinutes(1)), (a.Subject, a.LastSeen));

        await _monitor.RunAsync(now.AddMinutes(2), default); // still logged out (pending)
        Assert.Null(Assert.Single(await AlertsAsync(AlertKinds.ChipLoggedOut)).ResolvedAt);

        // Paired again: back in ramp-up and connected.
        await Sql.Exec(_db, "UPDATE chips SET status = 'rampup', connected = true, connection_changed_at = @now WHERE id = @id", ("id", chip), ("now", now.AddMinutes(3)));
        await _monitor.RunAsync(now.AddMinutes(4), default);
        Assert.Equal("monitor", Assert.Single(await AlertsAsync(AlertKinds.ChipLoggedOut)).By);

        // A restriction pauses the chip and trips the gate: two alerts, each once however many signals come.
        await signals.RestrictAsync(chip, "account banned for +5511987654321", now.AddMinutes(5), default);
        await signals.RestrictAsync(chip, "account banned", now.AddMinutes(6), default);
        var restricted = Assert.Single(await AlertsAsync(AlertKinds.ChipRestricted));
        Assert.Single(await AlertsAsync(AlertKinds.GateTripped));
        var message = await Sql.Scalar<string>(_db, "SELECT message FROM alerts WHERE id = @id", ("id", restricted.Id));
        Assert.DoesNotContain("987654321", message);
        Assert.StartsWith($"chip {chip} pausado", message);

        // The monitor keeps the gate's alert open while the gate is tripped, and resolves it once an operator resumes.
        var pass = await _monitor.RunAsync(now.AddMinutes(7), default);
        Assert.Contains(pass.Conditions, c => c.Kind == AlertKinds.GateTripped);
        Assert.Single(await AlertsAsync(AlertKinds.GateTripped));
        await new PoolStore(_db, new JsonSerializerOptions(JsonSerializerDefaults.Web)).ResumeAsync("ana", "reviewed", now.AddMinutes(8), default);
        await _monitor.RunAsync(now.AddMinutes(9), default);
        Assert.Equal("monitor", Assert.Single(await AlertsAsync(AlertKinds.GateTripped)).By);
    }

    [Fact]
    public async Task Breakers_backlog_dead_letters_dead_nodes_and_a_late_cycle_are_read_from_their_tables()
    {
        var now = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
        await Seed.ChipAsync(_db, now);
        await Seed.ChipAsync(_db, now);
        var chip = await Seed.ChipAsync(_db, now, status: "ready");
        // Open → half-open → open again: one failing stretch since it left closed 11 minutes ago.
        await Sql.Exec(_db, "UPDATE chips SET breaker_state = 'open', breaker_until = @now + interval '1 minute' WHERE id = @id", ("id", chip), ("now", now));
        await Sql.Exec(_db, """
            INSERT INTO breaker_log (chip_id, at, from_state, to_state, reason) VALUES
              (@id, @now - interval '11 minutes', 'closed', 'open', 'x'), (@id, @now - interval '9 minutes', 'open', 'half_open', 'x'),
              (@id, @now - interval '8 minutes', 'half_open', 'open', 'x')
            """, ("id", chip), ("now", now));
        // 51 messages overdue by more than 30 minutes, and one only 29 minutes late.
        await Sql.Exec(_db, """
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            SELECT 'late-' || i, '+5511970000001', 'followup', 't', 'queued', @now - interval '31 minutes', @now + interval '1 day', @now, @now
            FROM generate_series(1, 51) i
            UNION ALL SELECT 'late-x', '+5511970000001', 'followup', 't', 'queued', @now - interval '29 minutes', @now + interval '1 day', @now, @now
            """, ("now", now));
        await Sql.Exec(_db, """
            INSERT INTO inbox (dedupe_key, source, event, payload, received_at, status, attempts, next_attempt_at, error)
            VALUES ('dead-1', 'evolution', 'messages.upsert', '{}', @now - interval '20 minutes', 'dead', 8, @now - interval '10 minutes', 'x')
            """, ("now", now));
        await Sql.Exec(_db, """
            INSERT INTO orleansmembershipversion (deploymentid, version) VALUES ('test', 1);
            INSERT INTO orleansmembership (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime) VALUES
              ('test', '10.0.0.1', 11111, 1, 'node-a', 'host-a', 6, @now - interval '2 hours', @now - interval '5 minutes'),
              ('test', '10.0.0.2', 11111, 1, 'node-b', 'host-b', 3, @now - interval '2 hours', @now),
              ('test', '10.0.0.3', 11111, 1, 'node-c', 'host-c', 6, @now - interval '3 hours', @now - interval '61 minutes')
            """, ("now", now));

        var kinds = (await _monitor.RunAsync(now, default)).Conditions.Select(c => $"{c.Kind}@{c.Subject}").ToList();
        Assert.Equal([$"breaker_open@chip:{chip}", "queue_backlog@queue", "dead_letters@inbox", "node_left@node:node-a"], kinds);
    }

    [Fact]
    public async Task A_pool_cycle_more_than_two_minutes_old_is_late_and_its_next_cycle_resolves_it()
    {
        var now = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
        await Seed.ChipAsync(_db, now);
        await Seed.ChipAsync(_db, now);
        async Task LastMinute(DateTimeOffset at) => await Sql.Exec(_db, """
            DELETE FROM orleansstorage;
            INSERT INTO orleansstorage (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, payloadbinary, version)
            VALUES (1, 1, 'julia', 0, 0, 'pool', convert_to(json_build_object('SchemaVersion', 1, 'LastMinute', @at)::text, 'UTF8'), 1)
            """, ("at", at));
        await LastMinute(now.AddMinutes(-2));
        Assert.False(await _monitor.CheckCycleAsync(now, default));
        await LastMinute(now.AddMinutes(-3));
        Assert.True(await _monitor.CheckCycleAsync(now, default));
        Assert.False(await _monitor.CheckCycleAsync(now.AddSeconds(30), default)); // one alert while it lasts
        await LastMinute(now.AddMinutes(1));
        await _monitor.RunAsync(now.AddMinutes(1), default);
        Assert.Equal("monitor", Assert.Single(await AlertsAsync(AlertKinds.CycleLate)).By);
    }

    [Fact]
    public async Task The_migration_names_old_alerts_by_chip_or_pool_and_keeps_one_open_per_kind_and_subject()
    {
        var pg = await TestPostgres.ServerAsync();
        var name = "alerts_upgrade_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(pg.ConnectionStringFor("postgres") + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", admin).ExecuteNonQueryAsync();
        }
        await using var db = NpgsqlDataSource.Create(pg.ConnectionStringFor(name));
        await Migrator.ApplyAsync(db, Migrator.Embedded().Where(m => string.CompareOrdinal(m.Name, "0014") < 0).ToList(), NullLogger.Instance);
        var now = BeforeMidnightSp;
        var chip = await Seed.ChipAsync(db, now);
        // The old cooldown allowed a second open alert of a kind and chip 30 minutes after the first.
        await Sql.Exec(db, """
            INSERT INTO alerts (at, kind, severity, chip_id, message) VALUES
              (@now - interval '40 minutes', 'chip_logged_out', 'warning', @chip, 'old'),
              (@now, 'chip_logged_out', 'warning', @chip, 'new'),
              (@now, 'gate_tripped', 'critical', NULL, 'gate')
            """, ("now", now), ("chip", chip));

        await Migrator.ApplyAsync(db, NullLogger.Instance);

        var rows = await Sql.List(db, "SELECT message, subject, resolved_by FROM alerts ORDER BY id", r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        Assert.Equal([("old", $"chip:{chip}", "migration"), ("new", $"chip:{chip}", null), ("gate", "pool", null)], rows);
    }
}
