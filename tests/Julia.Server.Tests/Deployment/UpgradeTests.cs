using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Demo;
using Julia.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Deployment;

/// <summary>
/// A database written by the release before the Orleans host (migrations 0001–0004, the demo seed and
/// the kinds of rows a pool in use has) starts on this version with everything it held intact.
/// </summary>
[Trait("Category", "Fault")]
public class UpgradeTests(ITestOutputHelper output)
{
    // Every table the previous release had, with the columns it had; compared row by row after the upgrade.
    static readonly (string Table, string Columns)[] Kept =
    [
        ("chips", "id, phone, ddd, instance, instance_token, webhook_secret, status, paused_from, connected, trust_score, rampup_stage, cooldown_until, breaker_state, last_sent_at, hour_bucket, sent_this_hour, day_bucket, sent_today"),
        ("contacts", "phone, ddd, name, lawful_basis, lawful_basis_source, opted_out_at, opted_out_source, last_inbound_at"),
        ("conversations", "contact, chip_id, migrated_from, announcement_pending"),
        ("messages", "id, idempotency_key, contact, kind, status, chip_id, attempts, next_attempt_at, expires_at"),
        ("selections", "id, at, contact, kind, chip_id, code, reason"),
        ("inbox", "id, dedupe_key, status, attempts, error"),
        ("trust_log", "chip_id, at, score"),
        ("operations", "id, at, actor, action, chip_id, contact, reason"),
    ];

    [Fact]
    public async Task A_database_of_the_previous_release_starts_with_its_data_intact()
    {
        var pg = await TestPostgres.ServerAsync();
        var name = "upgrade_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(pg.ConnectionStringFor("postgres") + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", admin).ExecuteNonQueryAsync();
        }
        var cs = pg.ConnectionStringFor(name);
        await using var db = NpgsqlDataSource.Create(cs);
        var previous = Migrator.Embedded().Where(m => string.CompareOrdinal(m.Name, "0005") < 0).ToList();
        Assert.Equal(4, previous.Count);
        await Migrator.ApplyAsync(db, previous, NullLogger.Instance);

        var now = new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.Zero);
        Assert.True(await DemoSeed.SeedAsync(db, now, default, meta: false)); // that release had no Meta numbers
        // What a pool in use also has: an opt-out, a conversation that moved, charged counters, queued and
        // sent messages, a decision, a webhook in the dead letters, the old leader lease.
        await Sql.Exec(db, "UPDATE contacts SET opted_out_at = @now, opted_out_source = 'chip:1' WHERE phone = (SELECT min(phone) FROM contacts)", ("now", now));
        await Sql.Exec(db, """
            INSERT INTO conversations (contact, chip_id, started_at, updated_at, migrated_from, migrated_at, announcement_pending)
            SELECT (SELECT max(phone) FROM contacts), (SELECT max(id) FROM chips WHERE status = 'active'), @now, @now,
                   (SELECT min(id) FROM chips WHERE status = 'active'), @now, true
            ON CONFLICT (contact) DO NOTHING
            """, ("now", now));
        await Sql.Exec(db, "UPDATE chips SET sent_this_hour = 3, hour_bucket = date_trunc('hour', @now), sent_today = 7, day_bucket = '2026-11-20', last_sent_at = @now WHERE status = 'active'", ("now", now));
        await Sql.Exec(db, """
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            SELECT 'upgrade-' || g, (SELECT max(phone) FROM contacts), 'followup', 'texto ' || g, 'queued', @now, @now + interval '1 day', @now, @now
            FROM generate_series(1, 5) g
            """, ("now", now));
        await Sql.Exec(db, """
            INSERT INTO inbox (dedupe_key, source, event, chip_id, payload, received_at, status, attempts, next_attempt_at, error)
            VALUES ('evo:dead:1', 'evolution', 'messages.upsert', (SELECT min(id) FROM chips), '{"event":"messages.upsert"}', @now, 'dead', 8, @now, 'old error')
            """, ("now", now));
        await Sql.Exec(db, "INSERT INTO leases (name, holder, term, expires_at) VALUES ('leader', 'old-node', 7, @now)", ("now", now));

        var before = await FingerprintsAsync(db);
        var counts = string.Join(", ", before.Select(kv => kv.Key + "=" + kv.Value.Rows));
        output.WriteLine(counts);
        Assert.True(before["chips"].Rows == 12 && before["contacts"].Rows >= 500 && before["messages"].Rows >= 5, counts);

        await using (var node = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(now)).Output(output).StartAsync())
        {
            var after = await FingerprintsAsync(db);
            Assert.Equal(before, after);
            Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM orleansmembership WHERE status = 3"));
            Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'leases'"));
            Assert.Equal((long)Migrator.Embedded().Count, await Sql.Scalar<long>(db, "SELECT count(*) FROM schema_migrations"));
        }
        // And a second start changes nothing (the upgrade runs once).
        await using (var again = await TestHost.Builder().OnDatabase(cs).Clock(new ManualClock(now)).Output(output).StartAsync())
            Assert.Equal(before, await FingerprintsAsync(db));
    }

    static async Task<Dictionary<string, (long Rows, string Hash)>> FingerprintsAsync(NpgsqlDataSource db)
    {
        var result = new Dictionary<string, (long, string)>();
        foreach (var (table, columns) in Kept)
        {
            await using var cmd = db.CreateCommand($"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM (SELECT {columns} FROM {table}) t");
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            result[table] = (r.GetInt64(0), r.GetString(1));
        }
        return result;
    }
}
