using Julia.Client;
using Julia.Grains.Connections;
using Julia.Server.Tests.Infrastructure;
using Julia.Simulator;
using Npgsql;

namespace Julia.Server.Tests.Chips;

/// <summary>
/// A server sending through the Meta simulator (strict pair rate: one per 6 s, so any breach shows as 131056), with the
/// Slack and Telegram simulators as alert channels, on a clock the tests move. Each test makes its own Meta chips and
/// retires the others first; the standing poll is run by hand (<see cref="PollAsync"/>).
/// </summary>
public sealed class MetaStandingFixture : IAsyncLifetime
{
    public const string MetaAppSecret = "meta-standing-secret";
    public OffsetClock Clock { get; } = new(ManualClock.MondayNoon);
    public MetaSimulator Meta { get; private set; } = null!;
    public SlackSimulator Slack { get; private set; } = null!;
    public JuliaHost Host { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    public JuliaClient AgentApi { get; private set; } = null!;
    public JuliaClient Operator { get; private set; } = null!;

    TestHost? _test;

    public async Task InitializeAsync()
    {
        _test = await TestHost.Builder().Database("metastanding").Clock(Clock)
            .Evolution(new SimulatorOptions { Clock = Clock, ReplyProbability = 0, ReceiptDelay = TimeSpan.FromMilliseconds(20) })
            .Meta(new MetaSimulatorOptions { Clock = Clock, AppSecret = MetaAppSecret, PairBurst = 1 })
            .AlertChannels()
            .Set(SendingFixture.FastSending)
            .Set(new Dictionary<string, string?>
            {
                ["Alerts:RetryBaseDelay"] = "00:00:01",
                ["Meta:AppSecrets:0"] = MetaAppSecret,
            }).StartAsync();
        (Host, Db, Meta, Slack) = (_test.Server, _test.Db, _test.Meta!, _test.Slack!);
        AgentApi = Host.Client(await _test.KeyAsync("agent", "agent", DateTimeOffset.UtcNow));
        Operator = Host.Client(await _test.KeyAsync("operator", "operator", DateTimeOffset.UtcNow));
        // Every chip may send back to back here: the Meta pair rate is the only pacing left to see.
        await Operator.PutPoolConfigAsync(SendingFixture.NoPacing);
    }

    public sealed record Chip(long Id, string PhoneNumberId, string Display, string Waba);

    static long _n = 106_540_352_250_000;

    /// <summary>A fresh pool holding one active Meta chip (its number in the simulator), the gate open.</summary>
    public async Task<Chip> OnlyMetaChipAsync()
    {
        await Seed.RetireAllAsync(Db, Clock.GetUtcNow());
        await Sql.Exec(Db, "UPDATE pool_state SET gate_tripped = false");
        Host.Get<Julia.Grains.Pool.PoolSettings>().Invalidate();
        var id = await Seed.ChipAsync(Db, Clock.GetUtcNow());
        var n = Interlocked.Increment(ref _n);
        var phone = await Sql.Scalar<string>(Db, "SELECT phone FROM chips WHERE id = @id", ("id", id));
        var chip = new Chip(id, n.ToString(System.Globalization.CultureInfo.InvariantCulture), phone[1..], "2" + n);
        await Sql.Exec(Db, "UPDATE chips SET provider = 'meta', instance = @p, instance_token = @t WHERE id = @id",
            ("id", id), ("p", chip.PhoneNumberId), ("t", "meta-tok-" + n));
        await Sql.Exec(Db, "INSERT INTO meta_chips (chip_id, phone_number_id, display_number, waba_id) VALUES (@c, @p, @d, @w)",
            ("c", id), ("p", chip.PhoneNumberId), ("d", chip.Display), ("w", chip.Waba));
        Meta.AddNumber(new MetaNumber(chip.PhoneNumberId, "meta-tok-" + n, chip.Display, chip.Waba));
        Host.Get<Julia.Grains.Selection.ChipDirectory>().Invalidate();
        return chip;
    }

    static int _contact;

    public async Task<string> ContactAsync()
    {
        var phone = $"+55319{Interlocked.Increment(ref _contact) + 70000000:00000000}";
        await Seed.ContactAsync(Db, phone, Clock.GetUtcNow());
        return phone;
    }

    /// <summary>One standing poll, as the connection health pass runs it (the Meta chips not polled for Meta:StandingPollPeriod).</summary>
    public Task<MetaStandingPass.Result> PollAsync() =>
        MetaStandingPass.RunAsync(Host.Get<IGrainFactory>(), Host.Get<IMetaStandingProbe>(), Clock.GetUtcNow(), default);

    public Task<T> Scalar<T>(string sql, params (string, object?)[] args) => Sql.Scalar<T>(Db, sql, args);

    public async Task DisposeAsync()
    {
        if (_test is not null) await _test.DisposeAsync();
    }
}
