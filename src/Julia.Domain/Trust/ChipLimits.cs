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
