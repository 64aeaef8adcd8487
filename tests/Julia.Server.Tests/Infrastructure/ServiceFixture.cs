using Julia.Client;
using Npgsql;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// One service per test class, on its own database, with a clock the tests control and one API key
/// per scope. Tests reach the database directly to arrange unusual states and to assert what was stored.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public ManualClock Clock { get; } = new(ManualClock.MondayNoon);
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public string AgentKey { get; private set; } = null!;
    public string OperatorKey { get; private set; } = null!;
    public string AdminKey { get; private set; } = null!;
    public JuliaClient Agent { get; private set; } = null!;
    public JuliaClient Operator { get; private set; } = null!;
    public JuliaClient Admin { get; private set; } = null!;

    TestHost _test = null!;

    public async Task InitializeAsync()
    {
        _test = await TestHost.Builder().Database(GetType().Name).Clock(Clock).StartAsync();
        (Host, Db, ConnectionString) = (_test.Server, _test.Db, _test.ConnectionString);
        AgentKey = await _test.KeyAsync("test-agent", "agent", Clock.GetUtcNow());
        OperatorKey = await _test.KeyAsync("test-operator", "operator", Clock.GetUtcNow());
        AdminKey = await _test.KeyAsync("test-admin", "admin", Clock.GetUtcNow());
        Agent = Host.Client(AgentKey);
        Operator = Host.Client(OperatorKey);
        Admin = Host.Client(AdminKey);
    }

    /// <summary>Puts the server's log into this test's output (each test class calls it from its constructor).</summary>
    public bool Attach(Xunit.Abstractions.ITestOutputHelper output)
    {
        Host.Log.Output = output;
        return true;
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    /// <summary>After arranging chips in SQL: drop the server's snapshot so the next selection sees them.</summary>
    public void ChipsChanged() => Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();

    public async Task<long> ChipAsync(string status = "active", int trust = 90, int ddd = 11, int stage = 5, bool connected = true)
    {
        var id = await Seed.ChipAsync(Db, Clock.GetUtcNow(), status, trust, ddd, stage, connected);
        ChipsChanged();
        return id;
    }

    public async Task FreshPoolAsync()
    {
        await Seed.RetireAllAsync(Db, Clock.GetUtcNow());
        ChipsChanged();
    }

    static int _contact;

    /// <summary>A new contact (São Paulo mobile) with a lawful basis, unique across the run.</summary>
    public async Task<string> ContactAsync(bool basis = true)
    {
        var phone = $"+55119{Interlocked.Increment(ref _contact) + 70000000:00000000}";
        await Seed.ContactAsync(Db, phone, Clock.GetUtcNow(), basis);
        return phone;
    }

    public Task<T> Scalar<T>(string sql, params (string, object?)[] args) => Sql.Scalar<T>(Db, sql, args);
    public Task Exec(string sql, params (string, object?)[] args) => Sql.Exec(Db, sql, args);
}
