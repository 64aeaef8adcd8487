namespace Julia.Domain.Meta;

/// <summary>
/// A business portfolio's messaging limit (spec §2.6): unique doctors reached outside their window in a rolling 24 h, shared
/// by every number of the portfolio. Meta sends no error when it is reached, so it is our own budget.
/// </summary>
public static class MessagingTier
{
    /// <summary>New portfolios start here, and a tier not read yet counts as it.</summary>
    public const int Lowest = 250;

    /// <summary>The doctors a tier allows in 24 h (<see cref="int.MaxValue"/> for unlimited); unknown or unread: the lowest.</summary>
    public static int Limit(string? tier) => tier switch
    {
        "TIER_250" => 250,
        "TIER_1K" => 1_000,
        "TIER_2K" => 2_000,
        "TIER_10K" => 10_000,
        "TIER_100K" => 100_000,
        "TIER_UNLIMITED" => int.MaxValue,
        _ => Lowest,
    };
}
