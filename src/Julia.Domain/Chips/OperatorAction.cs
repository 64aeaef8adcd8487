namespace Julia.Domain.Chips;

public enum OperatorAction { Pause, Resume, Retire, Promote }
