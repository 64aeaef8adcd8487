namespace Julia.Domain.Selection;

/// <summary>What the guardrails need to know about the contact and the pool.</summary>
/// <param name="UnansweredBusinessMessages">Business messages in the frequency window since the contact last wrote.</param>
/// <param name="BusinessWeightToday">The daily limit's count so far today (prospecting weighted).</param>
public sealed record ContactFacts(
    bool Exists,
    bool HasLawfulBasis,
    DateTimeOffset? OptedOutAt,
    DateTimeOffset? LastInboundAt,
    int UnansweredBusinessMessages,
    int BusinessWeightToday = 0);
