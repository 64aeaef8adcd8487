namespace Julia.Domain.Trust;

/// <summary>The sending limits of one chip right now: stage caps scaled by trust level.</summary>
public readonly record struct ChipLimits(int PerHour, int PerDay, TimeSpan MinGap)
{
    public static ChipLimits For(RampStage stage, int trustScore, RampUpConfig config) => ForLevel(stage, TrustLevels.Of(trustScore), config);

    internal static ChipLimits ForLevel(RampStage stage, TrustLevel level, RampUpConfig config)
    {
        var stageCaps = config.For(stage);
        var gap = level.MinGap() * config.MinGapScale;
        if (level == TrustLevel.Critico)
            return new(Math.Min(3, stageCaps.PerHour), Math.Min(10, stageCaps.PerDay), gap);
        double f = level.CapFraction();
        // Never round a cap down to zero: a chip that may reply must be able to send one.
        return new(Math.Max(1, (int)Math.Floor(stageCaps.PerHour * f)),
                   Math.Max(1, (int)Math.Floor(stageCaps.PerDay * f)),
                   gap);
    }
}

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
