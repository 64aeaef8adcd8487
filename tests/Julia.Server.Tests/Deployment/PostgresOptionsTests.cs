using Julia.Server.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Deployment;

/// <summary>Running behind a connection pooler: a separate LISTEN connection with keepalive, no start-up options, no auto-prepare.</summary>
[Trait("Category", "Fault")]
public class PostgresOptionsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Listen_uses_its_own_connection_string_with_keepalive()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("pg_listen");
        var listen = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = "julia-listen-direct" }.ConnectionString;
        await using var node = await TestHost.Builder().OnDatabase(cs).Set("ConnectionStrings:PostgresListen", listen).Output(output).StartAsync();
        var database = node.Get<Julia.Server.Database.Database>();
        Assert.Equal(30, new NpgsqlConnectionStringBuilder(database.ListenSource.ConnectionString).KeepAlive);
        await using var db = NpgsqlDataSource.Create(cs);
        // The LISTEN is held on a connection made from the listen string, not from the main pool.
        await Eventually.True(async () => await Sql.Scalar<long>(db,
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'julia-listen-direct' AND query LIKE 'LISTEN%'") == 1,
            TimeSpan.FromSeconds(20), "the listener's connection");
        Assert.Equal(0L, await Sql.Scalar<long>(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'julia-grains' AND query LIKE 'LISTEN%'"));
    }

    [Fact]
    public async Task Random_page_cost_comes_from_the_database_when_startup_options_are_off()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("pg_rpc");
        var name = new NpgsqlConnectionStringBuilder(cs).Database!;
        await using var db = NpgsqlDataSource.Create(cs);
        await Sql.Exec(db, $"ALTER DATABASE \"{name}\" SET random_page_cost = 1.2");

        await using (var defaults = await TestHost.Builder().OnDatabase(cs).Output(output).StartAsync())
        {
            var ds = defaults.Get<Julia.Server.Database.Database>().DataSource;
            Assert.Equal("1.1", await Sql.Scalar<string>(ds, "SHOW random_page_cost")); // start-up option wins over the database's
            Assert.Equal(50, new NpgsqlConnectionStringBuilder(ds.ConnectionString).MaxAutoPrepare);
        }
        await using var pooled = await TestHost.Builder().OnDatabase(cs).Set(new Dictionary<string, string?>
        {
            ["Postgres:StartupOptions"] = "false",
            ["Postgres:AutoPrepare"] = "false",
        }).Output(output).StartAsync();
        var source = pooled.Get<Julia.Server.Database.Database>().DataSource;
        var built = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        Assert.Null(built.Options);
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.Equal("1.2", await Sql.Scalar<string>(source, "SHOW random_page_cost"));
    }

    [Fact]
    public async Task Auto_prepare_off_wins_over_the_connection_string()
    {
        var cs = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("pg_prepare")) { MaxAutoPrepare = 20 }.ConnectionString;
        await using var node = await TestHost.Builder().OnDatabase(cs).Set("Postgres:AutoPrepare", "false").Output(output).StartAsync();
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(node.Get<Julia.Server.Database.Database>().DataSource.ConnectionString).MaxAutoPrepare);
        // And the node works without it.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await node.Http().GetAsync("health/ready")).StatusCode);
    }
}
