using Julia.Grains;
using Julia.Grains.Trust;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Julia.Grains.Pool;

/// <summary>
/// The pool's minute cycle. Claim, then act: the minute is written to storage before any work, so of two
/// activations (a membership change can briefly make two) only the one whose write succeeds runs it; the
/// other's write fails on the storage version and that activation is dropped. The trust pass's time is
/// written after the pass, so a pass that fails is tried again the next minute. Each cycle also prunes
/// week-old ignored webhook events (a bounded batch, so the inbox cannot grow without end).
/// </summary>
public sealed class PoolGrain(
    [PersistentState(Names.PoolState, Names.Storage)] IPersistentState<PoolState> state,
    TrustPass trust, IOptions<TrustOptions> trustOptions, Julia.Storage.Inbox.InboxStore inbox, Julia.Storage.Pool.PoolStore store, [FromKeyedServices(Names.Clock)] TimeProvider time, ILocalSiloDetails silo, ILogger<PoolGrain> log)
    : Grain, IPoolGrain, IRemindable
{
    public const string Reminder = "minute";
    static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    /// <summary>Webhook events we did not act on are kept this long for operators, then pruned.</summary>
    public static readonly TimeSpan IgnoredKept = TimeSpan.FromDays(7);

    public async Task StartAsync() => await this.RegisterOrUpdateReminder(Reminder, Period, Period);

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == Reminder ? TickAsync(time.GetUtcNow()) : Task.CompletedTask;

    public async Task<PoolCycle> TickAsync(DateTimeOffset now)
    {
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (state.State.LastMinute is { } last && minute <= last) return new PoolCycle(minute, false, false, 0, null);
        await WriteAsync(state.State with { LastMinute = minute });

        var o = trustOptions.Value;
        bool trustDue = o.Enabled && (state.State.LastTrustPass is not { } passed || minute - passed >= o.Interval);
        int changed = 0;
        if (trustDue)
        {
            changed = await trust.RecomputeAsync(null, "periodic", now, CancellationToken.None);
            log.LogInformation("Periodic trust pass changed {Count} score(s)", changed);
        }
        int pruned = await inbox.PruneIgnoredAsync(now - IgnoredKept, 1000, CancellationToken.None);
        var cycle = new PoolCycle(minute, true, trustDue, changed, silo.Name, pruned);
        await WriteAsync(state.State with { LastTrustPass = trustDue ? minute : state.State.LastTrustPass, LastCycle = cycle });
        return cycle;
    }

    public Task<PoolCycle?> LastCycleAsync() => Task.FromResult(state.State.LastCycle);

    public Task SaveConfigAsync(string config, string actor, DateTimeOffset now) =>
        Stored.Guard(async () => { await store.SaveConfigAsync(store.FromJson(config), actor, now, CancellationToken.None); return true; });

    public Task<bool> TripAsync(string actor, string reason, DateTimeOffset now) => Stored.Guard(() => store.TripAsync(actor, reason, now, CancellationToken.None));

    public Task<bool> ResumeAsync(string actor, string reason, DateTimeOffset now) => Stored.Guard(() => store.ResumeAsync(actor, reason, now, CancellationToken.None));

    /// <summary>Durable before anything else happens; if storage refuses, memory goes back to what storage has.</summary>
    async Task WriteAsync(PoolState next)
    {
        var previous = state.State;
        state.State = next;
        try { await state.WriteStateAsync(); }
        catch
        {
            state.State = previous;
            DeactivateOnIdle(); // a stale activation (InconsistentStateException) must not act again
            throw;
        }
    }
}
