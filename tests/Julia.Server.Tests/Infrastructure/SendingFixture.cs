using Julia.Client;
using Julia.Simulator;
using Npgsql;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// The service sending through the Evolution simulator on loopback, forwarding to a test listener,
/// on its own database. Timings are shortened; the clock is real time placed on a Monday noon.
/// </summary>
public sealed class SendingFixture : IAsyncLifetime
{
    public const string AgentSecret = TestHostBuilder.AgentSecret;
    public const string MetaAppSecret = "meta-app-secret", MetaVerifyToken = "meta-verify-token";
    public OffsetClock Clock { get; } = new(ManualClock.MondayNoon);
    public EvolutionSimulator Sim { get; private set; } = null!;
    public MetaSimulator MetaSim { get; private set; } = null!;
    public AgentListener Agent { get; private set; } = null!;
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    public JuliaClient AgentApi { get; private set; } = null!;
    public JuliaClient Operator { get; private set; } = null!;
    public string AgentKey { get; private set; } = null!;

    TestHost _test = null!;

    /// <summary>
    /// Workers that poll, retry and give up fast (a test waits milliseconds, not seconds), with trust not recomputed: tests
    /// that send pin trust scores; TrustTests covers recomputation.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> FastSending = new Dictionary<string, string?>
    {
        ["Evolution:AttemptTimeout"] = "00:00:01",
        ["Evolution:Retries"] = "1",
        ["Evolution:RetryBaseDelay"] = "00:00:00.050",
        ["Outbox:Lease"] = "00:00:10",
        ["Outbox:PollInterval"] = "00:00:00.050",
        ["Outbox:RetryBaseDelay"] = "00:00:00.100",
        ["Inbox:PollInterval"] = "00:00:00.050",
        ["Inbox:RetryBaseDelay"] = "00:00:00.100",
        ["Trust:Enabled"] = "false",
    };

    /// <summary>A pool where every chip may send back to back and the pool manager keeps every active number a test makes.</summary>
    public static readonly object NoPacing = new
    {
        targets = new { activeMin = 0, activeMax = 10_000 },
        caps = new { minGapScale = 0.0, operating = new { perHour = 10_000, perDay = 100_000 } },
    };

    public async Task InitializeAsync()
    {
        _test = await TestHost.Builder().Database("sending").Clock(Clock)
            .Evolution(new SimulatorOptions
            {
                Clock = Clock,
                ReplyProbability = 0,
                ReceiptDelay = TimeSpan.FromMilliseconds(20),
                WebhookRetryDelay = TimeSpan.FromMilliseconds(100),
            })
            .Meta(new MetaSimulatorOptions { Clock = Clock, AppSecret = MetaAppSecret })
            .Agent()
            .Set(FastSending)
            .Set(new Dictionary<string, string?>
            {
                ["Agent:RetryBaseDelay"] = "00:00:00.100",
                ["Meta:AppSecrets:0"] = MetaAppSecret,
                ["Meta:VerifyToken"] = MetaVerifyToken,
            }).StartAsync();
        (Host, Db, Sim, Agent, MetaSim) = (_test.Server, _test.Db, _test.Evolution!, _test.Agent!, _test.Meta!);
        AgentKey = await _test.KeyAsync("agent", "agent", DateTimeOffset.UtcNow);
        AgentApi = Host.Client(AgentKey);
        Operator = Host.Client(await _test.KeyAsync("operator", "operator", DateTimeOffset.UtcNow));
        // Pacing is tested elsewhere; here every chip may send back to back. The pool manager keeps every active
        // number the tests make (ReplacementTests sets its own targets).
        await Operator.PutPoolConfigAsync(NoPacing);
    }

    public sealed record TestChip(long Id, string Instance, string Token, string Secret, string Phone);

    /// <summary>A chip in the database and an instance for it in the simulator.</summary>
    public async Task<TestChip> ChipAsync(int trust = 90, int ddd = 11, bool jwt = false, bool lid = false)
    {
        var id = await Seed.ChipAsync(Db, Clock.GetUtcNow(), trust: trust, ddd: ddd);
        var (instance, phone) = await ReadAsync(id);
        var chip = new TestChip(id, instance, "tok-" + instance, "sec-" + instance, phone);
        Sim.AddInstance(new InstanceSpec(instance, chip.Token, chip.Secret, phone, jwt, lid));
        Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();
        return chip;
    }

    public sealed record TestMetaChip(long Id, string PhoneNumberId, string Display, string Waba, string Portfolio);

    static long _meta = 106_540_352_240_000;

    /// <summary>
    /// A chip on Meta's Cloud API: its own phone number id (its instance), WABA and portfolio, the display number its phone,
    /// and a number in the Meta simulator.
    /// </summary>
    public async Task<TestMetaChip> MetaChipAsync()
    {
        var chip = await ChipAsync();
        var n = Interlocked.Increment(ref _meta);
        var meta = new TestMetaChip(chip.Id, n.ToString(), chip.Phone[1..], "2" + n, "3" + n);
        await Sql.Exec(Db, "UPDATE chips SET provider = 'meta', instance = @p, instance_token = @t WHERE id = @id",
            ("id", chip.Id), ("p", meta.PhoneNumberId), ("t", "meta-tok-" + n));
        MetaSim.AddNumber(new MetaNumber(meta.PhoneNumberId, "meta-tok-" + n, meta.Display, meta.Waba));
        Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();
        await Sql.Exec(Db, "INSERT INTO meta_chips (chip_id, phone_number_id, display_number, waba_id, portfolio_id) VALUES (@c, @p, @d, @w, @b)",
            ("c", chip.Id), ("p", meta.PhoneNumberId), ("d", meta.Display), ("w", meta.Waba), ("b", meta.Portfolio));
        return meta;
    }

    async Task<(string, string)> ReadAsync(long id)
    {
        await using var cmd = Db.CreateCommand("SELECT instance, phone FROM chips WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetString(0), r.GetString(1));
    }

    public async Task FreshPoolAsync()
    {
        await Seed.RetireAllAsync(Db, Clock.GetUtcNow());
        await Sql.Exec(Db, "UPDATE pool_state SET gate_tripped = false");
        Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();
        Host.Get<Julia.Grains.Pool.PoolSettings>().Invalidate();
    }

    static int _contact;
    public string NewContact() => $"+55119{Interlocked.Increment(ref _contact) + 60000000:00000000}";

    public async Task<string> ContactWithBasisAsync()
    {
        var phone = NewContact();
        await Seed.ContactAsync(Db, phone, Clock.GetUtcNow());
        return phone;
    }

    public Task<T> Scalar<T>(string sql, params (string, object?)[] args) => Sql.Scalar<T>(Db, sql, args);

    /// <summary>Puts the server's log into this test's output (each test class calls it from its constructor).</summary>
    public bool Attach(Xunit.Abstractions.ITestOutputHelper output)
    {
        Host.Log.Output = output;
        return true;
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
