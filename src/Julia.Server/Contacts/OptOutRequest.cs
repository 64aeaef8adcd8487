namespace Julia.Server.Contacts;

public sealed record OptOutRequest(string? Source, string? Text);
