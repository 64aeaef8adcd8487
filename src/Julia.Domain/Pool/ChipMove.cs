using Julia.Domain.Chips;

namespace Julia.Domain.Pool;

/// <summary>One status change the pool manager makes, with its operations action and reason.</summary>
public sealed record ChipMove(long ChipId, ChipStatus From, ChipStatus To, string Action, string Reason);
