namespace Julia.Grains.Connections;

/// <summary>One chip's gateway state (open, connecting, close) beside its connected flag as listed before asking.</summary>
public sealed record ProbedChip(long Id, string Instance, bool Connected, string State);
