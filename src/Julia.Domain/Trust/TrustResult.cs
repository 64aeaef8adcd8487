namespace Julia.Domain.Trust;

public sealed record TrustResult(int Score, TrustLevel Level, TrustFactors Factors);
