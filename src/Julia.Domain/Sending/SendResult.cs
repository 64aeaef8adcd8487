namespace Julia.Domain.Sending;

/// <summary>
/// How one send ended, in words every gateway shares: the outcome class, the gateway's id for the message when
/// it went, the provider's own <paramref name="Code"/> (Evolution: the HTTP status; Meta: <c>error.code</c>) and
/// <paramref name="Detail"/>, and what a failure is <paramref name="About"/>. The gateway's client builds it; the
/// send policy reads it, and nothing outside the provider reads the gateway's own answer.
/// </summary>
public sealed record SendResult(SendOutcome Outcome, string? MessageId, string? Detail, SendSubject About, string? Code = null)
{
    public static SendResult Sent(string id) => new(SendOutcome.Sent, id, null, SendSubject.None);

    /// <summary>
    /// Another number might succeed where this one failed: a failure of this chip's own sending (network,
    /// gateway, credentials). A rate limit or a restriction is about the chip too, but the platform's signal
    /// is answered on that chip (cool down, pause), never by handing the message to another number.
    /// </summary>
    public bool ChipSpecific => About == SendSubject.Chip && Outcome is SendOutcome.Timeout or SendOutcome.Transient or SendOutcome.Permanent;
}
