using Julia.Grains.Chips;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Julia.Grains.Connections;

/// <summary>
/// The connection health pass on Orleans: one activation and its reminder make it once per period across the
/// cluster (no claim of our own in SQL). Claim, then act, as the pool's minute cycle: the period is written to
/// grain storage before the gateway is asked, so of two activations only the one whose write succeeds runs it.
/// The node's probe does the gateway I/O; each chip whose flag disagrees with the gateway's answer goes to its
/// chip grain, which reads the flag again and corrects it only if it still disagrees (a webhook may have come
/// meanwhile). A chip the gateway cannot answer for keeps its flag: unknown is not closed. Migrating after 10
/// minutes and retiring after 30 days stay the pool manager's; this only keeps connected and its time true. The same
/// pass polls Meta numbers' standing (<see cref="MetaStandingPass"/>), each chip once per <c>Meta:StandingPollPeriod</c>.
/// </summary>
public sealed class ConnectionHealthGrain(
    [PersistentState(Names.ConnectionHealthState, Names.Storage)] IPersistentState<ConnectionHealthState> state,
    IConnectionProbe probe, IEnumerable<IMetaStandingProbe> metaProbes, IOptions<HealthMonitorOptions> options, Clock time, ILocalSiloDetails silo,
    ILogger<ConnectionHealthGrain> log) : Grain, IConnectionHealthGrain, IRemindable
{
    public const string Reminder = "connection-health";
    /// <summary>The reminder ticks this long after each period starts, so a tick that comes late still falls in its own period.</summary>
    static readonly TimeSpan IntoPeriod = TimeSpan.FromSeconds(5);
    IGrainTimer? _tick;

    public async Task StartAsync()
    {
        // Reminders run on real time (the service clock is the rules'; they are the same outside tests).
        var now = DateTimeOffset.UtcNow;
        var due = PeriodOf(now, options.Value.Period) + options.Value.Period + IntoPeriod - now;
        await this.RegisterOrUpdateReminder(Reminder, due, options.Value.Period);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder) return;
        if (!options.Value.Enabled)
        {
            // Turned off (HealthMonitor:Enabled, or no gateway): the reminder goes until a node with it on starts.
            if (await this.GetReminder(Reminder) is { } reminder) await this.UnregisterReminder(reminder);
            return;
        }
        // A pass asks the gateway about every chip and may outlast a grain call's time limit: it runs as this
        // grain's own turn (not interleaved with a RunAsync), not inside the reminder service's call.
        _tick ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = false });
    }

    async Task TickAsync(CancellationToken ct)
    {
        _tick?.Dispose();
        _tick = null;
        try { await RunAsync(time.GetUtcNow()); }
        catch (Exception e) { log.LogWarning("Connection health pass failed: {Error}", e.Message); }
    }

    public async Task<HealthPass> RunAsync(DateTimeOffset now)
    {
        var period = PeriodOf(now, options.Value.Period);
        if (state.State.LastPeriod is { } last && period <= last) return new HealthPass(false, 0, 0, 0, period);
        await WriteAsync(state.State with { LastPeriod = period });

        var asked = await probe.AskAsync(CancellationToken.None);
        int corrected = 0;
        foreach (var chip in asked.Answers)
        {
            // connecting is not usable for sending: it counts as closed, as the connection.update webhook does.
            if ((chip.State == "open") == chip.Connected) continue;
            var check = new ConnectionCheck(chip.State, chip.Instance, time.GetUtcNow());
            if (await GrainFactory.GetGrain<IChipGrain>(chip.Id).ReconcileConnectionAsync(check)) corrected++;
        }
        // Once per pass, however many chips it hit: a gateway that is down would otherwise log one line per chip.
        if (asked.Failures.Count > 0)
            log.LogWarning("Connection health: the gateway gave no state for {Count} of {Total} chip(s), left as they were (first: {Error})",
                asked.Failures.Count, asked.Checked, asked.Failures[0]);
        if (corrected > 0) log.LogInformation("Connection health: corrected {Count} chip(s) to the gateway's state", corrected);
        // Meta numbers: their standing (quality, health, limits) is polled here too, each chip every Meta:StandingPollPeriod.
        int metaPolled = 0;
        foreach (var meta in metaProbes)
        {
            try
            {
                var polled = await MetaStandingPass.RunAsync(GrainFactory, meta, time.GetUtcNow(), CancellationToken.None);
                metaPolled += polled.Polled;
                if (polled.Failures.Count > 0)
                    log.LogWarning("Meta standing: no answer for {Count} of {Total} chip(s), left as they were (first: {Error})",
                        polled.Failures.Count, polled.Polled, polled.Failures[0]);
                if (polled.Changed > 0) log.LogInformation("Meta standing: {Count} chip(s) changed what they may send", polled.Changed);
            }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("Meta standing poll failed: {Error}", e.Message); }
        }
        var pass = new HealthPass(true, asked.Checked, corrected, asked.Failures.Count, period, silo.Name, time.GetUtcNow(), metaPolled);
        await WriteAsync(state.State with { LastPass = pass });
        return pass;
    }

    public Task<HealthPass?> LastPassAsync() => Task.FromResult(state.State.LastPass);

    /// <summary>The period <paramref name="now"/> falls in (its start, on a grid from the Unix epoch).</summary>
    public static DateTimeOffset PeriodOf(DateTimeOffset now, TimeSpan period) =>
        new(now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % period.Ticks, TimeSpan.Zero);

    Task WriteAsync(ConnectionHealthState next) => state.WriteOrRevertAsync(next, DeactivateOnIdle);
}
