namespace Julia.Grains;

/// <summary>
/// The service's clock: every rule and query takes <c>now</c> from it. A type of its own (not the plain
/// <see cref="TimeProvider"/>), because Orleans keeps the plain one, real time, for membership and timers, while
/// tests move this one to any day and hour. It is a <see cref="TimeProvider"/> itself, so delays and timeouts
/// can run on it too. Registered once; a host or test that registers its own first wins.
/// </summary>
public sealed class Clock(TimeProvider time) : TimeProvider
{
    /// <summary>Real time.</summary>
    public static Clock Real { get; } = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();
    public override long GetTimestamp() => time.GetTimestamp();
    public override long TimestampFrequency => time.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);
}
