namespace Julia.Grains.Connections;

/// <summary>What the gateway answered for the chips asked; <see cref="Failures"/> holds one line per chip it gave no state for.</summary>
/// <param name="Checked">Chips asked.</param>
public sealed record ProbeResult(int Checked, IReadOnlyList<ProbedChip> Answers, IReadOnlyList<string> Failures);
