namespace Julia.Domain.Trust;

/// <summary>
/// Every stage's limits at every trust level under one configuration (limits depend on nothing else):
/// worked out once per configuration (see <see cref="For"/>) instead of once per chip or per ranking.
/// </summary>
public sealed class LimitsTable
{
    const int Levels = (int)TrustLevel.Verde + 1;
    static readonly RampStage[] Stages = Enum.GetValues<RampStage>();
    static readonly TrustLevel[] AllLevels = Enum.GetValues<TrustLevel>();
    // A configuration is immutable and replaced whole when it changes, so its table is kept with it (and goes with it).
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RampUpConfig, LimitsTable> Tables = new();
    readonly ChipLimits[] _limits = new ChipLimits[((int)RampStage.Operating + 1) * Levels];

    public LimitsTable(RampUpConfig config)
    {
        foreach (var stage in Stages)
            foreach (var level in AllLevels)
                _limits[(int)stage * Levels + (int)level] = ChipLimits.ForLevel(stage, level, config);
    }

    /// <summary>The table of this configuration, worked out on its first use: every selection ranks with it.</summary>
    public static LimitsTable For(RampUpConfig config) => Tables.GetValue(config, static c => new LimitsTable(c));

    public ChipLimits this[RampStage stage, TrustLevel level] => _limits[(int)stage * Levels + (int)level];
}
