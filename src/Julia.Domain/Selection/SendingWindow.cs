namespace Julia.Domain.Selection;

/// <summary>
/// When business-initiated messages may go out: by default Monday–Friday 08:00–18:00 in
/// America/Sao_Paulo (start inclusive, end exclusive).
/// </summary>
public sealed record SendingWindow
{
    public string TimeZone { get; init; } = "America/Sao_Paulo";
    public TimeOnly Start { get; init; } = new(8, 0);
    public TimeOnly End { get; init; } = new(18, 0);
    public DayOfWeek[] Days { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<string> Validate()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _)) yield return $"window.timeZone: unknown time zone '{TimeZone}'";
        if (End <= Start) yield return "window.end must be after window.start";
        if (Days.Length == 0) yield return "window.days must name at least one day";
    }

    public bool IsOpen(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var t = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && t >= Start && t < End;
    }

    /// <summary>The next moment the window opens (now, if it is open).</summary>
    public DateTimeOffset NextOpening(DateTimeOffset now)
    {
        if (IsOpen(now)) return now;
        var zone = Zone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        for (int d = 0; d <= 7; d++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(d);
            if (!Days.Contains(date.DayOfWeek)) continue;
            var openLocal = date.ToDateTime(Start);
            var open = new DateTimeOffset(openLocal, zone.GetUtcOffset(openLocal));
            if (open > now) return open;
        }
        return now; // unreachable with at least one day configured
    }

    /// <summary>The start of the next calendar day in the window's time zone.</summary>
    public DateTimeOffset NextLocalMidnight(DateTimeOffset now)
    {
        var zone = Zone;
        var midnight = LocalDay(now).AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>The calendar day in the window's time zone; daily caps reset on it.</summary>
    public DateOnly LocalDay(DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
}
