namespace Julia.Domain.Sending;

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
