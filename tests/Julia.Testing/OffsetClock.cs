namespace Julia.Testing;

/// <summary>
/// Real time, shifted so that it starts where a test wants it (e.g. a Monday noon), and can jump forward.
/// <see cref="Freeze"/> stops it at a moment, so a test can stand exactly at 17:59:50 however slow the machine is.
/// </summary>
public sealed class OffsetClock(DateTimeOffset startAt) : TimeProvider
{
    long _offsetTicks = (startAt - DateTimeOffset.UtcNow).Ticks;
    long _frozenTicks; // 0: flowing

    public override DateTimeOffset GetUtcNow()
    {
        var frozen = Interlocked.Read(ref _frozenTicks);
        return frozen != 0 ? new DateTimeOffset(frozen, TimeSpan.Zero) : DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));
    }

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Stops the clock at <paramref name="at"/> (a jump, forward or back).</summary>
    public void Freeze(DateTimeOffset at) => Interlocked.Exchange(ref _frozenTicks, at.UtcTicks);
}
