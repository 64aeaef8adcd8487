namespace Julia.Domain.Standing;

/// <summary>A standing's parts in Meta's words (and our columns' and wire's): GREEN, YELLOW, RED, UNKNOWN; AVAILABLE, LIMITED, BLOCKED.</summary>
public static class StandingWords
{
    public static string? Of(QualityRating? q) => q switch
    {
        QualityRating.Green => "GREEN",
        QualityRating.Yellow => "YELLOW",
        QualityRating.Red => "RED",
        QualityRating.Unknown => "UNKNOWN",
        _ => null,
    };

    public static string? Of(MetaHealth? h) => h switch
    {
        MetaHealth.Available => "AVAILABLE",
        MetaHealth.Limited => "LIMITED",
        MetaHealth.Blocked => "BLOCKED",
        _ => null,
    };

    /// <summary>Null stays null (not reported); any other word Meta may add reads as unknown.</summary>
    public static QualityRating? Quality(string? s) => s switch
    {
        null => null,
        "GREEN" => QualityRating.Green,
        "YELLOW" => QualityRating.Yellow,
        "RED" => QualityRating.Red,
        _ => QualityRating.Unknown,
    };

    /// <summary>Null, or a word Meta may add, is not reported (a health we cannot read must not stop or free a chip).</summary>
    public static MetaHealth? Health(string? s) => s switch
    {
        "AVAILABLE" => MetaHealth.Available,
        "LIMITED" => MetaHealth.Limited,
        "BLOCKED" => MetaHealth.Blocked,
        _ => null,
    };
}
