using Julia.Storage.Leadership;
using Microsoft.Extensions.Options;

namespace Julia.Server.Leadership;

/// <summary>
/// Leader election for pool-wide jobs: every node tries to take or renew the <c>leader</c> lease every
/// 5 s with a 15 s time to live. A leader that stops renewing (crash, lost database) is replaced within
/// the TTL; a node believes it leads only until its own lease would expire, so two nodes never both
/// act as leader for longer than clock skew.
/// </summary>
public sealed class LeaderLease(LeaseStore leases, TimeProvider time, IOptions<JuliaOptions> options, ILogger<LeaderLease> log) : BackgroundService
{
    public static readonly TimeSpan Renew = TimeSpan.FromSeconds(5), Ttl = TimeSpan.FromSeconds(15);
    const string Name = "leader";
    long _validUntilTicks;

    public string Node { get; } = options.Value.NodeId!;
    public long Term { get; private set; }
    public bool IsLeader => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _validUntilTicks);

    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var started = time.GetUtcNow();
        long? term = null;
        try { term = await leases.TryAcquireAsync(Name, Node, Ttl, started, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("Leader lease not renewed: {Error}", e.Message); }
        bool was = IsLeader;
        // Count the lease from before the call: the database may have granted it earlier than we heard.
        Interlocked.Exchange(ref _validUntilTicks, term is null ? 0 : (started + Ttl - TimeSpan.FromSeconds(1)).UtcTicks);
        if (term is { } t) Term = t;
        if (IsLeader != was) log.LogInformation("{Node} {Change} leadership (term {Term})", Node, IsLeader ? "took" : "lost", Term);
        return IsLeader;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await RunOnceAsync(stop);
            try { await Task.Delay(Renew, stop); } catch (OperationCanceledException) { break; }
        }
        if (IsLeader) try { await leases.ReleaseAsync(Name, Node, CancellationToken.None); } catch (Exception) { }
    }
}
