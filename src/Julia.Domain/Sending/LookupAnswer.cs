namespace Julia.Domain.Sending;

/// <summary>The gateway's answer to "was this text sent from this number to this contact since then?".</summary>
public enum LookupAnswer
{
    /// <summary>It was: the gateway names the message.</summary>
    Sent,
    /// <summary>The gateway answered and has no such message.</summary>
    NotSent,
    /// <summary>The gateway cannot say (no lookup, like Meta's) or did not answer.</summary>
    Unknown,
}
