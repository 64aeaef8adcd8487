namespace Julia.Domain.Sending;

/// <summary>How a gateway call ended.</summary>
public enum SendOutcome { Sent, Timeout, Transient, RateLimited, SpamRestriction, Permanent }

public static class SendOutcomes
{
    public static string ToWire(this SendOutcome o) => o switch
    {
        SendOutcome.Sent => "sent",
        SendOutcome.Timeout => "timeout",
        SendOutcome.Transient => "transient",
        SendOutcome.RateLimited => "rate_limited",
        SendOutcome.SpamRestriction => "spam_restriction",
        _ => "permanent",
    };
}

/// <summary>Message statuses and the order receipts may move them in.</summary>
public static class MessageStatus
{
    public static readonly string[] All = ["queued", "sending", "sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];

    /// <summary>Receipts only move forward: a READ that arrives before DELIVERY_ACK wins.</summary>
    public static int Rank(string status) => status switch
    {
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        _ => 0,
    };
}

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
