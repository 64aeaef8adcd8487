namespace Julia.Testing;

/// <summary>A clock the test moves by hand; safe to read and advance from many threads.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    long _ticks = start.UtcTicks;

    /// <summary>Monday 2026-11-23 12:00 in São Paulo: inside the sending window.</summary>
    public static DateTimeOffset MondayNoon => new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(-3));

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Set(DateTimeOffset to) => Interlocked.Exchange(ref _ticks, to.UtcTicks);
}
