namespace Julia.Domain.Alerts;

/// <summary>
/// Which alert conditions hold, from facts and a time. The monitor raises each condition returned and
/// resolves every open alert of a <see cref="AlertKinds.Monitored"/> kind that is not returned. Messages are
/// short pt-BR and name chips by id only (never a phone number).
/// </summary>
public static class AlertRules
{
    public static IReadOnlyList<AlertCondition> Evaluate(AlertFacts f, AlertThresholds t, DateTimeOffset now)
    {
        var list = new List<AlertCondition>();
        if (f.Active < f.ActiveMin)
            list.Add(new(AlertKinds.PoolBelowMin, AlertKinds.Pool, "critical", $"pool abaixo do mínimo ({f.Active} ativos de {f.ActiveMin})"));
        if (f.Ready < f.ReadyMin)
            list.Add(new(AlertKinds.ReadyBufferShort, AlertKinds.Pool, "warning", $"reserva de chips prontos baixa ({f.Ready} prontos de {f.ReadyMin})"));
        if (f.Prospectable == 0)
            list.Add(new(AlertKinds.NoProspectingChip, AlertKinds.Pool, "critical", "nenhum chip apto a prospectar"));
        if (f.GateTripped)
            list.Add(new(AlertKinds.GateTripped, AlertKinds.Pool, "critical", "prospecção pausada no pool inteiro (gate acionado)"));
        foreach (var (chip, since) in f.Disconnected.OrderBy(x => x.Chip))
            if (now - since > t.OfflineAfter)
                list.Add(new(AlertKinds.ChipOffline, AlertKinds.Chip(chip), "warning", $"chip {chip} desconectado há mais de {Minutes(t.OfflineAfter)}"));
        foreach (var (chip, since) in f.BreakerNotClosed.OrderBy(x => x.Chip))
            if (now - since > t.BreakerOpenAfter)
                list.Add(new(AlertKinds.BreakerOpen, AlertKinds.Chip(chip), "warning",
                    $"chip {chip} com disjuntor aberto há mais de {Minutes(t.BreakerOpenAfter)}"));
        if (f.OverdueQueued > t.BacklogMessages)
            list.Add(new(AlertKinds.QueueBacklog, "queue", "warning",
                $"fila atrasada: {f.OverdueQueued} mensagens esperando há mais de {Minutes(t.BacklogAge)}"));
        if (f.RecentDeadLetters > 0)
            list.Add(new(AlertKinds.DeadLetters, "inbox", "warning", $"{f.RecentDeadLetters} evento(s) de webhook em dead letter na última hora"));
        foreach (var (node, lastAlive) in f.DeadNodes.OrderBy(x => x.Node, StringComparer.Ordinal))
            if (now - lastAlive <= t.NodeLeftWindow)
                list.Add(new(AlertKinds.NodeLeft, AlertKinds.Node(node), "warning", $"nó {node} saiu do cluster"));
        return list;
    }

    /// <summary>
    /// The pool's minute cycle is late when its last claimed minute is more than two periods behind. Unknown
    /// (the pool never ran a cycle: a cluster starting) is not late.
    /// </summary>
    public static AlertCondition? CycleLate(DateTimeOffset? lastCycle, AlertThresholds t, DateTimeOffset now) =>
        lastCycle is { } last && now - last > 2 * t.CyclePeriod
            ? new(AlertKinds.CycleLate, "pool:cycle", "critical", $"ciclo do pool atrasado: o último foi há {Minutes(now - last)}")
            : null;

    /// <summary>
    /// Whether a chip alert raised at an event is over: a logged-out or disconnected chip is connected and in
    /// service again; a restricted or paused chip is no longer paused (an operator resumed or retired it). A
    /// retirement is final: a person resolves its alert.
    /// </summary>
    public static bool Recovered(string kind, string status, bool connected) => kind switch
    {
        AlertKinds.ChipLoggedOut or AlertKinds.ChipDisconnected => connected && status is "rampup" or "ready" or "active" or "degraded",
        AlertKinds.ChipRestricted or AlertKinds.ChipPaused => status != "paused",
        _ => false,
    };

    static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min" : $"{(int)t.TotalSeconds} s";
}
