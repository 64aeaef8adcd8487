namespace Julia.Domain.Trust;

/// <summary>
/// Every stage's limits at every trust level under one configuration (limits depend on nothing else):
/// worked out once for a whole ranking pass instead of once per chip.
/// </summary>
public sealed class LimitsTable
{
    const int Levels = (int)TrustLevel.Verde + 1;
    readonly ChipLimits[] _limits = new ChipLimits[((int)RampStage.Operating + 1) * Levels];

    public LimitsTable(RampUpConfig config)
    {
        foreach (var stage in Enum.GetValues<RampStage>())
            foreach (var level in Enum.GetValues<TrustLevel>())
                _limits[(int)stage * Levels + (int)level] = ChipLimits.ForLevel(stage, level, config);
    }

    public ChipLimits this[RampStage stage, TrustLevel level] => _limits[(int)stage * Levels + (int)level];
}
