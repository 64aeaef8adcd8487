namespace Julia.Domain.Selection;

/// <summary>The guardrails' answer: a refusal, or a pass that may have skipped overridden rules.</summary>
public sealed record Verdict(Refusal? Refusal, IReadOnlyList<string> Overridden);
