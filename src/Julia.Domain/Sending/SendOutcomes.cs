namespace Julia.Domain.Sending;

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
