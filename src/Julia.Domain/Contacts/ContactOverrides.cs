using Julia.Domain.Selection;

namespace Julia.Domain.Contacts;

/// <summary>Which rules an operator may override, and what an override asks for.</summary>
public static class ContactOverrides
{
    public const string FrequencyCap = RefusalCodes.FrequencyCap;
    public const string DailyLimit = RefusalCodes.DailyLimit;

    /// <summary>Volume rules: an operator may judge one doctor's case differently.</summary>
    public static readonly string[] Rules = [FrequencyCap, DailyLimit];

    /// <summary>Consent, the law, the pool's reputation and quiet hours: never overridden for one contact (policy).</summary>
    public static readonly string[] NotAllowed =
        [RefusalCodes.OptedOut, RefusalCodes.NoLawfulBasis, RefusalCodes.ProspectingPaused, RefusalCodes.OutsideWindow, RefusalCodes.Abroad];

    /// <summary>The longest an override may last.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(ContactLimits.MaxDays);

    /// <summary>
    /// The override's end: <paramref name="until"/> if given, else the end of the current day in the
    /// window's time zone (the daily limit's day). Null with an error code and detail when the request is not valid.
    /// </summary>
    public static (DateTimeOffset? Until, string? Code, string? Detail) Ends(string? rule, DateTimeOffset? until, int? count, DateTimeOffset now,
        SendingWindow window)
    {
        if (rule is not null && NotAllowed.Contains(rule))
            return (null, "override_not_allowed",
                $"'{rule}' protects consent, the law, the pool or quiet hours and cannot be overridden; only {string.Join(" and ", Rules)} can.");
        if (rule is null || !Rules.Contains(rule))
            return (null, "unknown_rule", $"rule must be {string.Join(" or ", Rules)}.");
        if (count is < 1 or > 100) return (null, "invalid_count", "count must be between 1 and 100 messages.");
        var end = until ?? window.NextLocalMidnight(now);
        if (end <= now) return (null, "invalid_until", "until must be in the future.");
        if (end > now + MaxLength) return (null, "invalid_until", $"until must be at most {ContactLimits.MaxDays} days ahead.");
        return (end, null, null);
    }

    /// <summary>The rules overridden now, each with the override that will be counted as used.</summary>
    public static IReadOnlyDictionary<string, long> InForce(IEnumerable<ContactOverride> overrides, DateTimeOffset now) =>
        overrides.Where(o => o.InForce(now)).GroupBy(o => o.Rule)
            // The one ending first is spent first, so a longer one is kept for later.
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Until).ThenBy(o => o.Id).First().Id);
}
