using Julia.Domain.Contacts;

namespace Julia.Domain.Selection;

/// <summary>Contact guardrails, checked in order; each refusal has its own code.</summary>
public static class Guardrails
{
    static readonly ContactLimits Defaults = new();
    static readonly IReadOnlySet<string> None = new HashSet<string>();

    /// <param name="abroadRefused">The contact's number is outside Brazil and the pool sends business messages only to Brazilian numbers.</param>
    public static Refusal? Check(MessageKind kind, ContactFacts contact, bool prospectingPaused,
                                 SendingWindow window, DateTimeOffset now, bool abroadRefused = false, ContactLimits? limits = null) =>
        Decide(kind, contact, prospectingPaused, window, now, abroadRefused, limits).Refusal;

    /// <param name="overridden">Rules an operator override lifts for this contact now (only the volume rules may be).</param>
    public static Verdict Decide(MessageKind kind, ContactFacts contact, bool prospectingPaused, SendingWindow window, DateTimeOffset now,
                                 bool abroadRefused = false, ContactLimits? limits = null, IReadOnlySet<string>? overridden = null)
    {
        limits ??= Defaults;
        overridden ??= None;
        var skipped = new List<string>();
        bool Lifted(string rule)
        {
            if (!ContactOverrides.Rules.Contains(rule) || !overridden.Contains(rule)) return false;
            skipped.Add(rule);
            return true;
        }
        Verdict No(Refusal r) => new(r, []);

        bool replyInSession = kind == MessageKind.Reply && contact.LastInboundAt is { } last
                              && now - last <= TimeSpan.FromHours(24);
        if (contact.OptedOutAt is not null && !replyInSession)
            return No(new(RefusalCodes.OptedOut, "The contact opted out; only a reply within 24 h of their own message is allowed."));
        if (kind.IsBusinessInitiated() && abroadRefused)
            return No(new(RefusalCodes.Abroad,
                "Business-initiated messages go only to Brazilian numbers (pool setting allowBusinessAbroad); replies may go anywhere."));
        if (kind == MessageKind.Prospecting && !contact.HasLawfulBasis)
            return No(new(RefusalCodes.NoLawfulBasis, "Prospecting needs a recorded lawful basis (consent or legitimate interest, with source)."));
        if (kind == MessageKind.Prospecting && prospectingPaused)
            return No(new(RefusalCodes.ProspectingPaused, "Prospecting is paused for the whole pool until an operator resumes it."));
        if (kind.IsBusinessInitiated() && contact.UnansweredBusinessMessages >= limits.FrequencyCap && !Lifted(ContactOverrides.FrequencyCap))
            return No(new(RefusalCodes.FrequencyCap,
                $"The contact already received {limits.FrequencyCap} business messages in {limits.FrequencyDays} days without replying."));
        if (kind.IsBusinessInitiated() && !window.IsOpen(now))
        {
            var opens = window.NextOpening(now);
            return No(new(RefusalCodes.OutsideWindow, $"Business-initiated messages wait for the sending window; it opens at {opens:yyyy-MM-ddTHH:mm:sszzz}.",
                opens));
        }
        if (kind.IsBusinessInitiated() && contact.BusinessWeightToday + limits.Weight(kind) > limits.DailyLimit && !Lifted(ContactOverrides.DailyLimit))
        {
            // Tomorrow in São Paulo, or the window's next opening after it (a Friday's limit waits for Monday).
            var retry = window.NextOpening(window.NextLocalMidnight(now));
            return No(new(RefusalCodes.DailyLimit,
                $"The contact already received {contact.BusinessWeightToday} of {limits.DailyLimit} business messages today "
                + $"(prospecting counts {limits.ProspectingWeight}); next at {retry:yyyy-MM-ddTHH:mm:sszzz}.", retry));
        }
        return new(null, skipped);
    }
}
