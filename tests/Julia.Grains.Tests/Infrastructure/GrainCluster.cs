using System.Text.Json;
using Julia.Grains.Pool;
using Julia.Grains.Selection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;

namespace Julia.Grains.Tests.Infrastructure;

/// <summary>
/// Two silos of Orleans' in-process test cluster running our grains on one real database (each silo with
/// its own data source, chip directory and pool settings, as two nodes would have), on a clock the test moves.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    public ManualClock Clock { get; } = new(ManualClock.MondayNoon);
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    readonly List<NpgsqlDataSource> _silos = [];

    public async Task InitializeAsync()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("grain_cluster");
        Db = NpgsqlDataSource.Create(cs);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((silo, host) =>
        {
            var db = NpgsqlDataSource.Create(cs);
            lock (_silos) _silos.Add(db);
            host.Services.AddSingleton(new Clock(Clock));
            // A directory that never refreshes on its own: each test says when chips changed behind the grains.
            host.Services.AddJuliaGrains(db, new SelectionOptions(silo.SiloName, TimeSpan.FromMinutes(1), 10), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        });
        // The pool grain's cycle state (the real silo keeps it in PostgreSQL; these tests use its other calls).
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(Names.Storage));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>The grain factory of silo <paramref name="i"/>: a grain it activates lives there (conversations prefer the caller's silo).</summary>
    public IGrainFactory Silo(int i) => Cluster.Silos[i].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>Chips or the pool were changed in the database directly (a node's NOTIFY listener would do this).</summary>
    public void Changed()
    {
        foreach (var s in Cluster.Silos)
        {
            s.ServiceProvider.GetRequiredService<ChipDirectory>().Invalidate();
            s.ServiceProvider.GetRequiredService<PoolSettings>().Invalidate();
        }
    }

    public async Task PoolAsync(string configJson)
    {
        await Sql.Exec(Db, "UPDATE pool_config SET config = @c::jsonb", ("c", configJson));
        Changed();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var db in _silos) await db.DisposeAsync();
        await Db.DisposeAsync();
    }
}
