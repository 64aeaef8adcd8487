namespace Julia.Domain.Chips;

/// <summary>
/// The chip life cycle:
/// <code>
/// provisioned → pending → rampup → ready → active → degraded → ready
///        any non-final ⇄ paused (resume returns to where it was)
///        any non-final → retired (final)
///        active → ready (the pool manager stands a chip down above activeMax)
///        rampup/ready/active/degraded → pending (logged out: needs a new QR)
/// </code>
/// </summary>
public static class Lifecycle
{
    static readonly Dictionary<ChipStatus, ChipStatus[]> Allowed = new()
    {
        [ChipStatus.Provisioned] = [ChipStatus.Pending, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Pending] = [ChipStatus.Rampup, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Rampup] = [ChipStatus.Ready, ChipStatus.Pending, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Ready] = [ChipStatus.Active, ChipStatus.Pending, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Active] = [ChipStatus.Ready, ChipStatus.Degraded, ChipStatus.Pending, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Degraded] = [ChipStatus.Ready, ChipStatus.Pending, ChipStatus.Paused, ChipStatus.Retired],
        [ChipStatus.Paused] = [ChipStatus.Provisioned, ChipStatus.Pending, ChipStatus.Rampup, ChipStatus.Ready, ChipStatus.Active, ChipStatus.Degraded,
            ChipStatus.Retired],
        [ChipStatus.Retired] = [],
    };

    public static bool CanMove(ChipStatus from, ChipStatus to) => Allowed[from].Contains(to);

    /// <summary>Where an operator action takes a chip, or null when the action is not allowed from here.</summary>
    public static ChipStatus? Target(OperatorAction action, ChipStatus current, ChipStatus? pausedFrom) => action switch
    {
        OperatorAction.Pause when current is not (ChipStatus.Paused or ChipStatus.Retired) => ChipStatus.Paused,
        OperatorAction.Resume when current == ChipStatus.Paused => pausedFrom ?? ChipStatus.Pending,
        OperatorAction.Retire when current != ChipStatus.Retired => ChipStatus.Retired,
        OperatorAction.Promote when current == ChipStatus.Rampup => ChipStatus.Ready,
        OperatorAction.Promote when current == ChipStatus.Ready => ChipStatus.Active,
        _ => null,
    };
}
