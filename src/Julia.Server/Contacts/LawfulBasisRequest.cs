namespace Julia.Server.Contacts;

public sealed record LawfulBasisRequest(string? LawfulBasis, string? Source, string? Name);
