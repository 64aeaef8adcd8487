using Orleans.Concurrency;

namespace Julia.Grains.Connections;

/// <summary>
/// The connection health pass: one activation in the cluster, woken by its own reminder once per
/// <c>HealthMonitor:Period</c>. It asks the gateway (through its node's probe) for every Evolution chip's connection
/// state and has each chip's grain correct a connected flag that disagrees (a lost or late connection.update). Each
/// period is claimed in grain storage before the pass runs, so a repeated tick, a second caller or a second
/// activation during a membership change runs nothing twice; a node that dies mid-pass loses that period, and the
/// next one runs wherever the grain lives then.
/// </summary>
[Alias("julia.IConnectionHealthGrain")]
public interface IConnectionHealthGrain : IGrainWithStringKey
{
    /// <summary>Registers (or moves) the reminder; every node with the monitor on calls it at start-up.</summary>
    [Alias("StartAsync")]
    Task StartAsync();

    /// <summary>Runs the pass of the period <paramref name="now"/> falls in, unless that period (or a later one) had one.</summary>
    [Alias("RunAsync")]
    Task<HealthPass> RunAsync(DateTimeOffset now);

    /// <summary>The last pass that ran, with when it finished (null while it runs, or before the first).</summary>
    [ReadOnly, Alias("LastPassAsync")]
    Task<HealthPass?> LastPassAsync();
}
