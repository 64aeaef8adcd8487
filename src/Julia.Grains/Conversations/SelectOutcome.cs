namespace Julia.Grains.Conversations;

/// <summary>A selection's answer and the operator overrides it used (each let this message through one rule).</summary>
public sealed record SelectOutcome(SelectAnswer Answer, IReadOnlyList<long> OverridesUsed);
