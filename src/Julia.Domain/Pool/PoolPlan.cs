namespace Julia.Domain.Pool;

/// <param name="Lost">Chips whose conversations move away (they cannot serve them now), with their status after the moves.</param>
/// <param name="Serving">Active chips that take the moved conversations.</param>
/// <param name="Provision">Numbers to request now; <paramref name="ProvisionHeld"/> says why none when some were needed.</param>
public sealed record PoolPlan(IReadOnlyList<ChipMove> Moves, IReadOnlyList<ManagedChip> Lost, IReadOnlyList<ManagedChip> Serving, int Provision,
                              string? ProvisionHeld)
{
    public bool IsEmpty => Moves.Count == 0 && Provision == 0;
}
