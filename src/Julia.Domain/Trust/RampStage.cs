namespace Julia.Domain.Trust;

/// <summary>Ramp-up stages; <see cref="Operating"/> is a number that finished ramp-up.</summary>
public enum RampStage { R1 = 1, R2 = 2, R3 = 3, R4 = 4, Operating = 5 }
