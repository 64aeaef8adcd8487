namespace Julia.Domain.Trust;

public sealed record TrustFactors(
    double Base, double AccountAge, double ResponseRate, double DeliveryRate, double Bidirectional,
    double DaysWithoutError, double RampupProgress, double BlockOptOutPenalty, double ErrorPenalty,
    bool CappedBySpamSignal);
