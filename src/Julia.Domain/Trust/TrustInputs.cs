namespace Julia.Domain.Trust;

/// <summary>The measured facts a trust score is made of (7-day and 24-hour windows).</summary>
public sealed record TrustInputs(
    double AccountAgeDays,
    double ResponseRate7d,
    double DeliveryRate7d,
    int BidirectionalConversations7d,
    double DaysWithoutError,
    RampStage Stage,
    double BlockOptOutRate7d,
    int Errors24h,
    bool SpamSignal7d);
