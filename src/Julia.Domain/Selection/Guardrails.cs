namespace Julia.Domain.Selection;

/// <summary>What the guardrails need to know about the contact and the pool.</summary>
public sealed record ContactFacts(
    bool Exists,
    bool HasLawfulBasis,
    DateTimeOffset? OptedOutAt,
    DateTimeOffset? LastInboundAt,
    int UnansweredBusinessMessages7d);

public sealed record Refusal(string Code, string Detail, DateTimeOffset? RetryAt = null);

/// <summary>Contact guardrails, checked in order; each refusal has its own code.</summary>
public static class Guardrails
{
    public const int FrequencyCap = 2;

    /// <param name="abroadRefused">The contact's number is outside Brazil and the pool sends business messages only to Brazilian numbers.</param>
    public static Refusal? Check(MessageKind kind, ContactFacts contact, bool prospectingPaused,
                                 SendingWindow window, DateTimeOffset now, bool abroadRefused = false)
    {
        bool replyInSession = kind == MessageKind.Reply && contact.LastInboundAt is { } last
                              && now - last <= TimeSpan.FromHours(24);
        if (contact.OptedOutAt is not null && !replyInSession)
            return new("contact_opted_out", "The contact opted out; only a reply within 24 h of their own message is allowed.");
        if (kind.IsBusinessInitiated() && abroadRefused)
            return new("contact_abroad", "Business-initiated messages go only to Brazilian numbers (pool setting allowBusinessAbroad); replies may go anywhere.");
        if (kind == MessageKind.Prospecting && !contact.HasLawfulBasis)
            return new("no_lawful_basis", "Prospecting needs a recorded lawful basis (consent or legitimate interest, with source).");
        if (kind == MessageKind.Prospecting && prospectingPaused)
            return new("prospecting_paused", "Prospecting is paused for the whole pool until an operator resumes it.");
        if (kind.IsBusinessInitiated() && contact.UnansweredBusinessMessages7d >= FrequencyCap)
            return new("contact_frequency_cap", $"The contact already received {FrequencyCap} business messages in 7 days without replying.");
        if (kind.IsBusinessInitiated() && !window.IsOpen(now))
        {
            var opens = window.NextOpening(now);
            return new("outside_sending_window", $"Business-initiated messages wait for the sending window; it opens at {opens:yyyy-MM-ddTHH:mm:sszzz}.", opens);
        }
        return null;
    }
}
