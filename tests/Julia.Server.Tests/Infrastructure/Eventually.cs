namespace Julia.Server.Tests.Infrastructure;

/// <summary>Poll with a deadline: for effects of background workers, never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what ?? "a condition"}; last value: {last}");
            await Task.Delay(25);
            last = await probe();
        }
        return last;
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan? timeout = null, string? what = null) => Until(probe, x => x, timeout, what);
}

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
