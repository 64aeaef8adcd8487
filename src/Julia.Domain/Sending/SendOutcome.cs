namespace Julia.Domain.Sending;

/// <summary>How a gateway call ended.</summary>
public enum SendOutcome { Sent, Timeout, Transient, RateLimited, SpamRestriction, Permanent }
