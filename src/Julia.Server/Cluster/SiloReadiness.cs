namespace Julia.Server.Cluster;

/// <summary>
/// Whether this node's silo is in the cluster and serving: true once the silo is active, false again as
/// soon as it starts shutting down, so <c>/health/ready</c> stops sending traffic to a node that is leaving.
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    volatile bool _active;

    public bool IsActive => _active;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<SiloReadiness>(ServiceLifecycleStage.Active,
            _ => { _active = true; return Task.CompletedTask; },
            _ => { _active = false; return Task.CompletedTask; });
}
