namespace Julia.Domain.Selection;

public enum MessageKind { Prospecting, Followup, Reply }
