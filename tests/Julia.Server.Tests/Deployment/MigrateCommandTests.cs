using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Migrations;
using Npgsql;

namespace Julia.Server.Tests.Deployment;

[Trait("Category", "Fault")]
public class MigrateCommandTests
{
    static async Task<string> EmptyDatabaseAsync(string hint)
    {
        var cs = await TestPostgres.CreateDatabaseAsync(hint);
        await using var db = NpgsqlDataSource.Create(cs);
        await Sql.Exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        return cs;
    }

    [Fact]
    public async Task Migrate_applies_everything_and_a_node_that_must_not_migrate_refuses_a_stale_schema()
    {
        var cs = await EmptyDatabaseAsync("migrate_cmd");
        // A node of the new release started before the pre-deploy job: it names the missing step instead of migrating.
        var e = await Assert.ThrowsAsync<MigrationException>(() => TestHost.Builder().OnDatabase(cs).Set("Julia:MigrateOnStart", "false").StartAsync());
        Assert.Contains("run the migrate command first", e.Message);
        await using (var db = NpgsqlDataSource.Create(cs))
            Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'chips'"));

        Assert.Equal(0, await Cli.MigrateAsync([$"--ConnectionStrings:Postgres={cs}"]));
        await using (var db = NpgsqlDataSource.Create(cs))
        {
            Assert.Equal((long)Migrator.Embedded().Count, await Sql.Scalar<long>(db, "SELECT count(*) FROM schema_migrations"));
            Assert.Empty(await Migrator.PendingAsync(db));
        }
        Assert.Equal(0, await Cli.MigrateAsync([$"--ConnectionStrings:Postgres={cs}"])); // again: nothing to do, still 0

        await using var node = await TestHost.Builder().OnDatabase(cs).Set("Julia:MigrateOnStart", "false").StartAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await node.Http().GetAsync("health/live")).StatusCode);
    }
}
