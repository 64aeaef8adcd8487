namespace Julia.Server.Contacts;

public sealed record OptInRequest(string? Reason);
