namespace Julia.Server.Selection;

public sealed record SelectionRequestJson(string? Contact, string? Kind, long[]? ExcludeChips);
