namespace Julia.Domain.Sending;

/// <summary>
/// How one send ended, in terms every gateway translates its answers into: the outcome class, what it concerns,
/// the gateway's id for a message that went, and the provider's own error code and text (kept in the attempt log
/// and the message's last error; the policy reads only the class and the concern). A message that went concerns
/// the chip: its breaker counts the success.
/// </summary>
public sealed record SendResult(SendOutcome Outcome, SendConcern Concerns, string? MessageId = null, string? Code = null, string? Detail = null)
{
    public static SendResult Sent(string messageId) => new(SendOutcome.Sent, SendConcern.Chip, messageId);
}
