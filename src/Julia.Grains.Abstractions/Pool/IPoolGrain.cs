using Orleans.Concurrency;

namespace Julia.Grains.Pool;

/// <summary>
/// The pool as a whole: one activation in the cluster, woken every minute by a reminder for the work
/// no single chip owns: the periodic trust pass, the daily ramp-up evaluation, the pool manager (promotions,
/// demotions, replacements, provisioning requests), the alert conditions and inbox pruning. Each minute's cycle is claimed in storage before it runs, so a
/// duplicated tick or a second activation during a membership change does nothing twice. Operators' changes to the pool's
/// configuration and gate go through it too (each a guarded statement, answered even while a cycle runs,
/// so a resume never waits for a long trust pass); every node reads both from its own short-lived copy
/// (PoolSettings), which a trigger's NOTIFY drops on each change. (A restriction signal trips the
/// gate in the chip's own transaction, with the pause, so that the two cannot be separated.)
/// </summary>
/// <remarks>
/// Each method's [Alias] pins the wire identity it had before it carried one (the code generator's hash of its
/// signature), so nodes of the previous release still understand it and a rename no longer changes it. A method
/// added later takes a new alias of its own; an alias never changes. The interface itself has no [Alias] yet: one
/// changes how the interface is named on the wire, which a node of the previous release cannot read (deploy/mixed-version
/// answered 500 with one); it can come once every node knows the alias (docs/operations.md, rolling upgrade).
/// </remarks>
public interface IPoolGrain : IGrainWithStringKey
{
    /// <summary>Registers the minute reminder (idempotent); every node calls it at start-up.</summary>
    [Alias("F6F385A9")]
    Task StartAsync();

    /// <summary>Runs the cycle for the minute of <paramref name="now"/>, unless that minute (or a later one) already ran.</summary>
    [Alias("975CCA5A")]
    Task<PoolCycle> TickAsync(DateTimeOffset now);

    [ReadOnly]
    [Alias("5DBBAB06")]
    Task<PoolCycle?> LastCycleAsync();

    /// <summary>
    /// A chip changed in a way that may need a replacement (degraded, paused, retired, disconnected, trust
    /// fell): the manager runs within a second, once for a burst of such calls. One-way, so the chip's grain
    /// never waits on the pool's cycle (which itself calls chip grains).
    /// </summary>
    [OneWay, AlwaysInterleave]
    [Alias("7C88A70E")]
    Task ChipChangedAsync(long chipId);

    /// <summary>Runs the pool manager now (an operator's or a test's request), claimed like a minute so it never runs twice at once.</summary>
    [Alias("6D840704")]
    Task<ManagerPass> RunManagerAsync(DateTimeOffset now);

    [ReadOnly]
    [Alias("D2F192A8")]
    Task<ManagerPass?> LastManagerAsync();

    /// <summary>Stores a validated configuration (JSON, as stored) and logs who changed it.</summary>
    [AlwaysInterleave]
    [Alias("13A65FF3")]
    Task SaveConfigAsync(string config, string actor, DateTimeOffset now);

    /// <summary>Prospecting stops pool-wide; false when it was already stopped (the first trip's reason stands).</summary>
    [AlwaysInterleave]
    [Alias("7E37D448")]
    Task<bool> TripAsync(string actor, string reason, DateTimeOffset now);

    /// <summary>Prospecting resumes; false when it was not stopped.</summary>
    [AlwaysInterleave]
    [Alias("D4814612")]
    Task<bool> ResumeAsync(string actor, string reason, DateTimeOffset now);
}
