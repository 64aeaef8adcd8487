namespace Julia.Domain.Sending;

/// <summary>Message statuses and the order receipts may move them in.</summary>
public static class MessageStatus
{
    /// <remarks>in_doubt: a send the gateway did not answer, which may have gone. Not sent again until the gateway's own word (its
    /// echo of the send, a status naming our id) or its answer to a lookup settles it.</remarks>
    public static readonly string[] All = ["queued", "sending", "in_doubt", "sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];

    /// <summary>Receipts only move forward: a READ that arrives before DELIVERY_ACK wins.</summary>
    public static int Rank(string status) => status switch
    {
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        _ => 0,
    };
}
