namespace Julia.Domain.Trust;

/// <summary>What a stage saw while the chip was in it; decides whether it may advance.</summary>
public readonly record struct StageStats(double DeliveryRate, double BlockOptOutRate, bool SpamSignal);
