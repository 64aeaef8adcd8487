namespace Julia.Benchmarks;

/// <summary>Moves 100 ms per request: production pacing, compressed.</summary>
public sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    long _ticks = start.UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public void Step() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerMillisecond * 100);
}
