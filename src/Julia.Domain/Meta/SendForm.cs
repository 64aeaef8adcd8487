namespace Julia.Domain.Meta;

/// <summary>How a message goes on the chip chosen for it: as its free text, or as its template.</summary>
public enum SendForm { Text, Template }
