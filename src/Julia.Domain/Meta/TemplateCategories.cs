namespace Julia.Domain.Meta;

/// <summary>Meta's template categories and statuses (spec §6), as Meta spells them.</summary>
public static class TemplateCategories
{
    public const string Marketing = "MARKETING", Utility = "UTILITY", Authentication = "AUTHENTICATION";

    /// <summary>Only an approved template is sent; every other status (paused, disabled, pending, rejected…) stops it.</summary>
    public const string Approved = "APPROVED";

    public static bool IsMarketing(string? category) => string.Equals(category, Marketing, StringComparison.OrdinalIgnoreCase);
}
