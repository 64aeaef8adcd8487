namespace Julia.Domain.Meta;

/// <summary>
/// The portfolio's rolling 24 h budget of unique doctors reached outside their window: a doctor already reached in the last
/// 24 h does not count again; a new one goes only while fewer than the limit were reached. When full, the next place frees
/// when the oldest reach leaves the 24 h.
/// </summary>
public static class PortfolioBudget
{
    public static readonly TimeSpan Period = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether <paramref name="contact"/> may be reached now, given who was reached when (<paramref name="reached"/>, any age:
    /// older ones do not count). Refused: when a place frees.
    /// </summary>
    public static (bool Allowed, DateTimeOffset? RetryAt) Decide(IReadOnlyDictionary<string, DateTimeOffset> reached, string contact, int limit,
                                                               DateTimeOffset now)
    {
        var since = now - Period;
        if (reached.TryGetValue(contact, out var at) && at > since) return (true, null);
        int inPeriod = 0;
        DateTimeOffset? oldest = null;
        foreach (var t in reached.Values)
        {
            if (t <= since) continue;
            inPeriod++;
            if (oldest is null || t < oldest) oldest = t;
        }
        return inPeriod < limit ? (true, null) : (false, (oldest ?? now) + Period);
    }
}
