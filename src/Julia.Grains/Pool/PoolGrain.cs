using Julia.Grains.Trust;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Julia.Grains.Pool;

/// <summary>
/// The pool's minute cycle and its manager. Claim, then act: the minute is written to storage before any
/// work, so of two activations (a membership change can briefly make two) only the one whose write succeeds
/// runs it; the other's write fails on the storage version and that activation is dropped. Each minute:
/// the periodic trust pass (its time written after the pass, so a failed pass is tried again), the daily
/// ramp-up evaluation (once per São Paulo day, each chip's keyed by the day), the pool manager, and pruning
/// week-old ignored webhook events. A chip's event runs the manager too, within a second (claimed the same
/// way), so a lost active chip is replaced without waiting for the minute.
/// </summary>
public sealed class PoolGrain(
    [PersistentState(Names.PoolState, Names.Storage)] IPersistentState<PoolState> state,
    TrustPass trust, IOptions<TrustOptions> trustOptions, Manager manager, Alerts.AlertMonitor alerts, Julia.Storage.Inbox.InboxStore inbox,
    Julia.Storage.Pool.PoolStore store,
    PoolSettings settings, Clock time, ILocalSiloDetails silo, ILogger<PoolGrain> log)
    : Grain, IPoolGrain, IRemindable
{
    /// <summary>A burst of chip events within this delay runs the manager once.</summary>
    static readonly TimeSpan EventDelay = TimeSpan.FromMilliseconds(500);
    IGrainTimer? _eventPass;

    public const string Reminder = "minute";
    static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    /// <summary>Webhook events we did not act on are kept this long for operators, then pruned.</summary>
    public static readonly TimeSpan IgnoredKept = TimeSpan.FromDays(7);

    public async Task StartAsync() => await this.RegisterOrUpdateReminder(Reminder, Period, Period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder) return Task.CompletedTask;
        // Tardiness against the reminder's own schedule, on the real clock Orleans keeps (not the service clock tests move).
        Observability.JuliaMetrics.CycleLate(DateTime.UtcNow - status.CurrentTickTime);
        return TickAsync(time.GetUtcNow());
    }

    public async Task<PoolCycle> TickAsync(DateTimeOffset now)
    {
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (state.State.LastMinute is { } last && minute <= last) return new PoolCycle(minute, false, false, 0, null);
        await WriteAsync(state.State with { LastMinute = minute });

        var o = trustOptions.Value;
        // Everything below runs in order on this activation; a failed step leaves the next minute to try again.
        bool trustDue = o.Enabled && (state.State.LastTrustPass is not { } passed || minute - passed >= o.Interval);
        int changed = 0;
        if (trustDue)
        {
            changed = await trust.RecomputeAsync(null, "periodic", now, CancellationToken.None);
            log.LogInformation("Periodic trust pass changed {Count} score(s)", changed);
        }
        if (trustDue) await WriteAsync(state.State with { LastTrustPass = minute });

        int stages = 0;
        var day = (await settings.GetAsync(CancellationToken.None)).Window.LocalDay(now);
        if (state.State.LastRampupDay != day)
        {
            stages = await manager.EvaluateRampupAsync(now, CancellationToken.None);
            await WriteAsync(state.State with { LastRampupDay = day });
        }
        var pass = await manager.RunAsync("minute", now, silo.Name, CancellationToken.None);
        // After the manager, so the alerts see the pool as it left it; a failure here never costs the cycle.
        try { await alerts.RunAsync(now, CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Alert conditions could not be evaluated this minute"); }
        int pruned = await inbox.PruneIgnoredAsync(now - IgnoredKept, 1000, CancellationToken.None);
        var cycle = new PoolCycle(minute, true, trustDue, changed, silo.Name, pruned, pass, stages);
        await WriteAsync(state.State with { LastCycle = cycle, LastManager = pass });
        return cycle;
    }

    public Task ChipChangedAsync(long chipId)
    {
        _eventPass ??= this.RegisterGrainTimer(EventPassAsync, new GrainTimerCreationOptions(EventDelay, Timeout.InfiniteTimeSpan) { Interleave = false });
        return Task.CompletedTask;
    }

    async Task EventPassAsync(CancellationToken ct)
    {
        _eventPass?.Dispose();
        _eventPass = null;
        try { await RunManagerAsync("chip event", time.GetUtcNow()); }
        catch (Exception e) { log.LogWarning(e, "Pool manager pass after a chip event failed; the minute cycle runs it again"); }
    }

    public Task<ManagerPass> RunManagerAsync(DateTimeOffset now) => RunManagerAsync("request", now);

    async Task<ManagerPass> RunManagerAsync(string trigger, DateTimeOffset now)
    {
        // Claimed like a minute: a stale activation's write fails and it acts on nothing.
        await WriteAsync(state.State with { LastManager = state.State.LastManager });
        var pass = await manager.RunAsync(trigger, now, silo.Name, CancellationToken.None);
        await WriteAsync(state.State with { LastManager = pass });
        return pass;
    }

    public Task<ManagerPass?> LastManagerAsync() => Task.FromResult(state.State.LastManager);

    public Task<PoolCycle?> LastCycleAsync() => Task.FromResult(state.State.LastCycle);

    public Task SaveConfigAsync(string config, string actor, DateTimeOffset now) =>
        Stored.Guard(async () => { await store.SaveConfigAsync(store.FromJson(config), actor, now, CancellationToken.None); return true; });

    public Task<bool> TripAsync(string actor, string reason, DateTimeOffset now) => Stored.Guard(() =>
        store.TripAsync(actor, reason, now, CancellationToken.None));

    public Task<bool> ResumeAsync(string actor, string reason, DateTimeOffset now) => Stored.Guard(() =>
        store.ResumeAsync(actor, reason, now, CancellationToken.None));

    Task WriteAsync(PoolState next) => state.WriteOrRevertAsync(next, DeactivateOnIdle);
}
