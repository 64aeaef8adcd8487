using Julia.Domain.Alerts;
using Julia.Grains.Pool;
using Julia.Storage.Alerts;
using Julia.Storage.Pool;

namespace Julia.Grains.Alerts;

/// <summary>What one monitor pass did, and the conditions it found.</summary>
public sealed record AlertPass(int Raised, int Refreshed, int Resolved, IReadOnlyList<AlertCondition> Conditions);

/// <summary>
/// Evaluates the pool's alert conditions from the database and raises or resolves alerts: a condition that holds
/// is raised (once while open, again only after the cooldown once resolved); an open alert of a monitored kind
/// whose condition is gone, and an event alert whose chip has recovered, is resolved by "monitor". The pool grain
/// runs it on its minute cycle; a pass is idempotent, so two nodes running one at once raise nothing twice.
/// </summary>
public sealed class AlertMonitor(AlertStore alerts, MonitorQueries queries, PoolStore pool, AlertPolicy policy)
{
    public const string Actor = "monitor";

    static readonly string[] EventKinds = [AlertKinds.ChipRestricted, AlertKinds.ChipLoggedOut, AlertKinds.ChipDisconnected, AlertKinds.ChipPaused];

    public async Task<AlertPass> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var (config, tripped) = await pool.SettingsAsync(ct);
        var targets = PoolSettings.Normalise(config).Targets;
        var facts = await queries.FactsAsync(targets.ActiveMin, targets.ReadyMin, tripped, policy.Thresholds, now, ct);
        var conditions = AlertRules.Evaluate(facts, policy.Thresholds, now).ToList();
        if (AlertRules.CycleLate(await queries.LastCycleAsync(ct), policy.Thresholds, now) is { } late) conditions.Add(late);

        int raised = 0, refreshed = 0;
        foreach (var condition in conditions)
            switch (await alerts.RaiseAsync(condition, policy.Cooldown, now, ct))
            {
                case Raised.New: raised++; break;
                case Raised.Refreshed: refreshed++; break;
            }

        var present = conditions.Select(x => (x.Kind, x.Subject)).ToHashSet();
        var gone = new List<long>();
        foreach (var a in await alerts.OpenAsync([.. AlertKinds.Monitored, AlertKinds.CycleLate, .. EventKinds], ct))
        {
            if (AlertKinds.Monitored.Contains(a.Kind) || a.Kind == AlertKinds.CycleLate)
            {
                if (!present.Contains((a.Kind, a.Subject))) gone.Add(a.Id);
            }
            else if (a.ChipStatus is { } status && AlertRules.Recovered(a.Kind, status, a.ChipConnected ?? false))
                gone.Add(a.Id);
        }
        var resolved = await alerts.ResolveAsync(gone, Actor, now, ct);
        return new AlertPass(raised, refreshed, resolved, conditions);
    }

    /// <summary>
    /// Only the pool cycle's lateness: run by every node's alert worker, since a pool grain whose reminder has
    /// stopped cannot report it itself. Resolving it is left to the pool's own next pass.
    /// </summary>
    public async Task<bool> CheckCycleAsync(DateTimeOffset now, CancellationToken ct) =>
        AlertRules.CycleLate(await queries.LastCycleAsync(ct), policy.Thresholds, now) is { } late
        && await alerts.RaiseAsync(late, policy.Cooldown, now, ct) == Raised.New;
}
