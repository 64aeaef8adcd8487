namespace Julia.Domain.Chips;

public enum ChipStatus { Provisioned, Pending, Rampup, Ready, Active, Degraded, Paused, Retired }
