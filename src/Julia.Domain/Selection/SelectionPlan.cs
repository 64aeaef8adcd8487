namespace Julia.Domain.Selection;

/// <param name="Candidates">The affinity chip when it may send, then the best-ranked others (at most the plan's <c>top</c>).</param>
/// <param name="Eligible">How many chips may send, ranked or not.</param>
public sealed record SelectionPlan(
    IReadOnlyList<ChipSummary> Candidates, bool AffinityFirst, bool UsedFallback,
    IReadOnlyDictionary<string, int> Excluded, string? AffinityExclusion, int Eligible);
