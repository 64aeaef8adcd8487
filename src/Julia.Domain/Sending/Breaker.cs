using Julia.Domain.Selection;

namespace Julia.Domain.Sending;

/// <summary>
/// Per-chip circuit breaker: opens after 5 consecutive failures, or ≥ 50 % failures over
/// ≥ 10 sends in a 5-minute window; stays open 60 s, doubling after each failed half-open trial up to
/// 10 min; one success in half-open closes it. Timeouts do not count (they are retried elsewhere).
/// </summary>
public static class Breaker
{
    public const int BaseOpenSeconds = 60, MaxOpenSeconds = 600, ConsecutiveLimit = 5, WindowMinSends = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public enum Result { Success, Failure, Neutral }

    static bool WindowTripped(BreakerRow b) => b.WindowSends >= WindowMinSends && b.WindowFailures * 2 >= b.WindowSends;

    public static (BreakerRow Next, string? Reason) OnResult(BreakerRow b, Result result, DateTimeOffset now)
    {
        if (b.WindowStartedAt is not { } start || now - start >= Window)
            b = b with { WindowStartedAt = now, WindowSends = 0, WindowFailures = 0 };

        switch (result)
        {
            case Result.Success:
                b = b with { WindowSends = b.WindowSends + 1, ConsecutiveFailures = 0 };
                if (b.State == BreakerState.HalfOpen)
                    return (b with { State = BreakerState.Closed, Until = null, OpenSeconds = BaseOpenSeconds }, "trial succeeded");
                return b.State == BreakerState.Closed && WindowTripped(b)
                    ? (b with { State = BreakerState.Open, OpenSeconds = BaseOpenSeconds, Until = now.AddSeconds(BaseOpenSeconds) },
                       $"{b.WindowFailures} of {b.WindowSends} sends failed in 5 min")
                    : (b, null);

            case Result.Failure:
                b = b with { WindowSends = b.WindowSends + 1, WindowFailures = b.WindowFailures + 1, ConsecutiveFailures = b.ConsecutiveFailures + 1 };
                if (b.State == BreakerState.HalfOpen)
                {
                    int open = Math.Min(b.OpenSeconds * 2, MaxOpenSeconds);
                    return (b with { State = BreakerState.Open, OpenSeconds = open, Until = now.AddSeconds(open) }, $"trial failed; open {open} s");
                }
                if (b.State == BreakerState.Closed)
                {
                    string? why = b.ConsecutiveFailures >= ConsecutiveLimit ? $"{b.ConsecutiveFailures} consecutive failures"
                        : WindowTripped(b) ? $"{b.WindowFailures} of {b.WindowSends} sends failed in 5 min"
                        : null;
                    if (why is not null)
                        return (b with { State = BreakerState.Open, OpenSeconds = BaseOpenSeconds, Until = now.AddSeconds(BaseOpenSeconds) }, why);
                }
                return (b, null);

            default:
                // A timeout tells nothing about the chip: a half-open trial that timed out is given back.
                return b.State == BreakerState.HalfOpen
                    ? (b with { State = BreakerState.Open, Until = now.AddSeconds(b.OpenSeconds) }, "trial timed out")
                    : (b, null);
        }
    }
}
