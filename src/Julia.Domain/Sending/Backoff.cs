namespace Julia.Domain.Sending;

/// <summary>Retry spacing for queue and inbox work: exponential with a cap, jittered by the caller's random.</summary>
public static class Backoff
{
    public static TimeSpan For(int attempt, TimeSpan baseDelay, TimeSpan max, double jitter01)
    {
        var exp = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exp, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + jitter01 / 2));
    }
}
