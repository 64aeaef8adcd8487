namespace Julia.Domain.Alerts;

/// <summary>Something an operator should hear about, named by (kind, subject) so it is raised once while it lasts.</summary>
public sealed record AlertCondition(string Kind, string Subject, string Severity, string Message);
