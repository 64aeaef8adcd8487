namespace Julia.Domain.Sending;

/// <summary>
/// What the gateway said when asked about a send in doubt: its answer, its id for the message when it was sent, and a few
/// words for the timeline when it could not say.
/// </summary>
public sealed record SendLookup(LookupAnswer Answer, string? MessageId = null, string? Detail = null)
{
    public static SendLookup Sent(string messageId) => new(LookupAnswer.Sent, messageId);
    public static readonly SendLookup NotSent = new(LookupAnswer.NotSent);
    public static SendLookup Unknown(string detail) => new(LookupAnswer.Unknown, Detail: detail);
}
