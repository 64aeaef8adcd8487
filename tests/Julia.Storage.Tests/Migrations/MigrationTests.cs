using Julia.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Julia.Storage.Tests.Migrations;

public class MigrationTests
{
    [Fact]
    public async Task Nodes_starting_together_apply_each_migration_once()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("migrate_race");
        await using var db = NpgsqlDataSource.Create(cs);
        await Sql.Exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator.ApplyAsync(db, NullLogger.Instance)));
        Assert.Equal(Migrator.Embedded().Count, runs.Sum());
        Assert.Equal((long)Migrator.Embedded().Count, await Sql.Scalar<long>(db, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Edited_migration_stops_startup_with_a_clear_message()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("migrate_edit");
        await using var db = NpgsqlDataSource.Create(cs);
        var edited = Migrator.Embedded().Select((m, i) => i == 0 ? m with { Sql = m.Sql + "\n-- edited", Checksum = Migrator.Checksum(m.Sql + "\n-- edited") } : m).ToList();
        var e = await Assert.ThrowsAsync<MigrationException>(() => Migrator.ApplyAsync(db, edited, NullLogger.Instance));
        Assert.Contains("0001_core.sql was edited after it was applied", e.Message);
        Assert.Contains("new migration", e.Message);
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_behind()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("migrate_fail");
        await using var db = NpgsqlDataSource.Create(cs);
        var list = Migrator.Embedded().Concat([new Migration("9998_ok.sql", "CREATE TABLE t_ok (x int)", "a"), new Migration("9999_bad.sql", "SELEC 1", "b")]).ToList();
        await Assert.ThrowsAsync<PostgresException>(() => Migrator.ApplyAsync(db, list, NullLogger.Instance));
        Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM pg_tables WHERE tablename = 't_ok'"));
    }

    [Theory]
    [InlineData("status = 'sleeping'")]
    [InlineData("trust_score = 101")]
    [InlineData("rampup_stage = 6")]
    [InlineData("sent_this_hour = -1")]
    [InlineData("sent_today = -1")]
    [InlineData("breaker_state = 'ajar'")]
    [InlineData("phone = '+1555123'")]
    [InlineData("instance = ''")]
    [InlineData("status = 'paused', paused_from = NULL")]
    public async Task Chip_rules_hold_in_the_database(string change)
    {
        var cs = await TestPostgres.CreateDatabaseAsync("chip_rules");
        await using var db = NpgsqlDataSource.Create(cs);
        var id = await Seed.ChipAsync(db, DateTimeOffset.UtcNow);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.Exec(db, $"UPDATE chips SET {change} WHERE id = @id", ("id", id)));
        Assert.Equal(PostgresErrorCodes.CheckViolation, e.SqlState);
        Assert.Equal("active", await Sql.Scalar<string>(db, "SELECT status FROM chips WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_chip_cannot_be_deleted_so_chip_ids_kept_on_history_never_dangle()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("chip_never_deleted");
        await using var db = NpgsqlDataSource.Create(cs);
        var id = await Seed.ChipAsync(db, DateTimeOffset.UtcNow);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.Exec(db, "DELETE FROM chips WHERE id = @id", ("id", id)));
        Assert.Equal(PostgresErrorCodes.RestrictViolation, e.SqlState);
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM chips WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_message_cannot_be_deleted_so_its_timeline_and_attempts_never_dangle()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("message_never_deleted");
        await using var db = NpgsqlDataSource.Create(cs);
        var id = await Sql.Scalar<long>(db, """
            INSERT INTO messages (idempotency_key, contact, kind, text, status, next_attempt_at, expires_at, created_at, updated_at)
            VALUES ('k-1', '+5511987654321', 'reply', 'Oi', 'queued', now(), now() + interval '1 day', now(), now()) RETURNING id
            """);
        await Sql.Exec(db, "INSERT INTO message_events (message_id, at, status) VALUES (@id, now(), 'queued')", ("id", id));
        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.Exec(db, "DELETE FROM messages WHERE id = @id", ("id", id)));
        Assert.Equal(PostgresErrorCodes.RestrictViolation, e.SqlState);
        Assert.Equal(1L, await Sql.Scalar<long>(db, "SELECT count(*) FROM messages WHERE id = @id", ("id", id)));
    }
}
