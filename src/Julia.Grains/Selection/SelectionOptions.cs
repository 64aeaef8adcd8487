namespace Julia.Grains.Selection;

/// <summary>How this node selects. <paramref name="Node"/> is its name in the audit; see JuliaOptions for the rest.</summary>
public sealed record SelectionOptions(string Node, TimeSpan SnapshotTtl, int CandidatesPerTry);
