namespace Julia.Domain.Alerts;

/// <summary>When a failed notice is tried again, and when a channel counts as failing.</summary>
public static class Delivery
{
    /// <summary>
    /// Exponential backoff from <paramref name="baseDelay"/>, doubling per attempt up to <paramref name="max"/>; a
    /// channel that said when to come back (429 Retry-After) is not asked sooner.
    /// </summary>
    public static TimeSpan Backoff(int attempts, TimeSpan baseDelay, TimeSpan max, TimeSpan? retryAfter = null)
    {
        var exp = Math.Min(Math.Max(attempts - 1, 0), 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * Math.Pow(2, exp), max.Ticks));
        return retryAfter is { } r && r > delay ? r : delay;
    }

    /// <summary>
    /// A channel is failing when its current run of failures (notices that began failing after the channel's
    /// last successful send) has lasted at least <paramref name="after"/>.
    /// </summary>
    public static bool ChannelFailing(DateTimeOffset? failingSince, DateTimeOffset now, TimeSpan after) =>
        failingSince is { } since && now - since >= after;
}
