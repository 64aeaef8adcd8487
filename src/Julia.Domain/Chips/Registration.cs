using Julia.Domain.Trust;

namespace Julia.Domain.Chips;

/// <summary>
/// What a newly registered chip starts with, whoever registers it (an operator, or provisioning for a bought
/// number): which statuses a chip may enter the pool in, its ramp-up stage, whether it counts as connected, and
/// its first trust score.
/// </summary>
public static class Registration
{
    /// <summary>A chip enters the pool in one of these; degraded, paused and retired are reached only by moves.</summary>
    public static readonly IReadOnlyList<ChipStatus> Statuses =
        [ChipStatus.Provisioned, ChipStatus.Pending, ChipStatus.Rampup, ChipStatus.Ready, ChipStatus.Active];

    public static bool Allows(ChipStatus status) => Statuses.Contains(status);

    /// <summary>A number registered ready or active has done its ramp-up elsewhere; any other starts at R1.</summary>
    public static RampStage Stage(ChipStatus status) => status is ChipStatus.Ready or ChipStatus.Active ? RampStage.Operating : RampStage.R1;

    /// <summary>Unless told otherwise, a chip not yet paired (provisioned, pending) is not connected; any other is.</summary>
    public static bool Connected(ChipStatus status) => status is not (ChipStatus.Provisioned or ChipStatus.Pending);

    /// <summary>
    /// A new number has no history yet: its score is the base plus the account's age and its ramp-up progress
    /// (a number bought today, at R1, gets the base and R1's share).
    /// </summary>
    public static TrustResult Trust(DateTimeOffset accountCreatedAt, RampStage stage, DateTimeOffset now) =>
        TrustScore.Compute(new TrustInputs((now - accountCreatedAt).TotalDays, 0, 0, 0, 0, stage, 0, 0, false));
}
