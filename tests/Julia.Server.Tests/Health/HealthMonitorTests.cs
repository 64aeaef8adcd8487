using Julia.Grains;
using Julia.Grains.Connections;
using Julia.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Health;

/// <summary>
/// The connection health pass (its grain, and its node's probe) against the Evolution simulator: the gateway's state
/// wins, unknown changes nothing, one pass per period. (Across nodes, and after a node is killed: HealthMonitorClusterTests.)
/// </summary>
public class HealthMonitorTests : IClassFixture<ProvisioningFixture>
{
    readonly ProvisioningFixture _f;
    static readonly TimeSpan Period = TimeSpan.FromMinutes(2);
    static DateTimeOffset _slot = new(2026, 11, 30, 15, 0, 0, TimeSpan.Zero);

    public HealthMonitorTests(ProvisioningFixture f, ITestOutputHelper output)
    {
        _f = f;
        f.Attach(output);
        f.Sim.Down = false;
    }

    IConnectionHealthGrain Monitor => _f.Host.Get<IGrainFactory>().GetGrain<IConnectionHealthGrain>(Names.Pool);

    /// <summary>Moves the clock into a period no pass has run in yet.</summary>
    DateTimeOffset NextPeriod()
    {
        _slot += Period;
        var at = _slot.AddSeconds(7);
        _f.Clock.Freeze(at);
        return at;
    }

    Task<bool> Connected(long id) => _f.Scalar<bool>("SELECT connected FROM chips WHERE id = @id", ("id", id));
    Task<DateTime> ChangedAt(long id) => _f.Scalar<DateTime>("SELECT connection_changed_at FROM chips WHERE id = @id", ("id", id));

    [Fact]
    public async Task Gateway_says_close_while_the_flag_says_connected_so_the_chip_is_marked_disconnected()
    {
        var chip = await _f.ChipAsync(connected: true, gatewayState: "close");
        var now = NextPeriod();

        var pass = await Monitor.RunAsync(now);

        Assert.True(pass.Ran);
        Assert.True(pass.Corrected >= 1);
        Assert.False(await Connected(chip.Id));
        Assert.Equal(now.UtcDateTime, await ChangedAt(chip.Id));
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE actor = 'health-monitor' AND action = 'connection_reconciled' AND chip_id = @c",
            ("c", chip.Id)));
        var finished = (await Monitor.LastPassAsync())!.FinishedAt;
        Assert.Equal(now, finished);
    }

    [Fact]
    public async Task Gateway_says_open_while_the_flag_says_disconnected_so_the_chip_is_marked_connected()
    {
        var chip = await _f.ChipAsync(connected: false, gatewayState: "open");
        var now = NextPeriod();

        Assert.True((await Monitor.RunAsync(now)).Ran);

        Assert.True(await Connected(chip.Id));
        Assert.Equal(now.UtcDateTime, await ChangedAt(chip.Id));
    }

    [Fact]
    public async Task A_gateway_that_is_down_changes_nothing()
    {
        var up = await _f.ChipAsync(connected: true, gatewayState: "close");
        var down = await _f.ChipAsync(connected: false, gatewayState: "open");
        _f.Sim.Down = true;
        var now = NextPeriod();

        var pass = await Monitor.RunAsync(now);

        Assert.True(pass.Ran);
        Assert.Equal(0, pass.Corrected);
        Assert.Equal(pass.Checked, pass.Unknown);
        Assert.True(await Connected(up.Id));
        Assert.False(await Connected(down.Id));
        Assert.Equal(0, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE actor = 'health-monitor' AND chip_id = ANY(@c)", ("c", new[] { up.Id, down.Id })));
    }

    [Fact]
    public async Task Connecting_counts_as_not_connected_and_matching_states_are_left_alone()
    {
        var connecting = await _f.ChipAsync(connected: true, gatewayState: "connecting");
        var fine = await _f.ChipAsync(connected: true, gatewayState: "open");
        var now = NextPeriod();

        await Monitor.RunAsync(now);

        Assert.False(await Connected(connecting.Id));
        Assert.True(await Connected(fine.Id));
        Assert.Equal(0, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE actor = 'health-monitor' AND chip_id = @c", ("c", fine.Id)));
    }

    [Fact]
    public async Task Two_callers_racing_run_one_pass_per_period()
    {
        var chip = await _f.ChipAsync(connected: true, gatewayState: "close");
        var now = NextPeriod();
        var other = _f.Host.Get<IClusterClient>().GetGrain<IConnectionHealthGrain>(Names.Pool); // asked from elsewhere: the same single activation

        var passes = await Task.WhenAll(Task.Run(() => Monitor.RunAsync(now)), Task.Run(() => other.RunAsync(now.AddSeconds(30))));

        Assert.Single(passes, p => p.Ran);
        Assert.False(await Connected(chip.Id));
        Assert.Equal(1, await _f.Scalar<long>("SELECT count(*) FROM operations WHERE actor = 'health-monitor' AND chip_id = @c", ("c", chip.Id)));
        // Later in the same period nobody runs it again; the next period runs.
        Assert.False((await other.RunAsync(now.AddSeconds(60))).Ran);
        Assert.True((await other.RunAsync(NextPeriod())).Ran);
    }
}
