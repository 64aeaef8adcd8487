using Julia.Domain.Selection;

namespace Julia.Domain.Tests;

public class WindowTests
{
    static readonly SendingWindow Window = new();
    static DateTimeOffset Sp(int y, int m, int d, int h, int min) => new(y, m, d, h, min, 0, TimeSpan.FromHours(-3));

    [Theory] // 2026-11-23 is a Monday
    [InlineData(23, 7, 59, false)]
    [InlineData(23, 8, 0, true)]
    [InlineData(23, 17, 59, true)]
    [InlineData(23, 18, 0, false)]
    [InlineData(27, 12, 0, true)]  // Friday
    [InlineData(28, 12, 0, false)] // Saturday
    [InlineData(29, 12, 0, false)] // Sunday
    public void Edges(int day, int hour, int minute, bool open) =>
        Assert.Equal(open, Window.IsOpen(Sp(2026, 11, day, hour, minute)));

    [Fact]
    public void Utc_instant_is_judged_in_sao_paulo() =>
        Assert.False(Window.IsOpen(new DateTimeOffset(2026, 11, 23, 10, 59, 0, TimeSpan.Zero))); // 07:59 local

    [Theory]
    [InlineData(23, 7, 59, 23)] // Monday before opening → Monday 08:00
    [InlineData(23, 18, 0, 24)] // Monday after closing → Tuesday 08:00
    [InlineData(27, 18, 30, 30)] // Friday evening → next Monday
    [InlineData(28, 9, 0, 30)]  // Saturday → Monday
    public void Next_opening(int day, int hour, int minute, int openDay) =>
        Assert.Equal(Sp(2026, 11, openDay, 8, 0), Window.NextOpening(Sp(2026, 11, day, hour, minute)));

    [Fact]
    public void Local_day_changes_at_local_midnight()
    {
        Assert.Equal(new DateOnly(2026, 11, 23), Window.LocalDay(new DateTimeOffset(2026, 11, 24, 2, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 24), Window.LocalDay(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero)));
    }
}
