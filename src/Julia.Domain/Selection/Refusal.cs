namespace Julia.Domain.Selection;

public sealed record Refusal(string Code, string Detail, DateTimeOffset? RetryAt = null);
