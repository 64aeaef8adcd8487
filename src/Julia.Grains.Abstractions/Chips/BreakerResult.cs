namespace Julia.Grains.Chips;

[GenerateSerializer]
public enum BreakerResult { Success, Failure, Neutral }
