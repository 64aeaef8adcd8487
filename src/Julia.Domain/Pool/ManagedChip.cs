using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Pool;

/// <summary>A chip as the pool manager sees it.</summary>
/// <param name="StatusChangedAt">When the chip entered its status (a degraded chip's cooldown runs from it).</param>
public sealed record ManagedChip(
    long Id, ChipStatus Status, int Trust, int Ddd, bool Connected, DateTimeOffset? ConnectionChangedAt, DateTimeOffset StatusChangedAt,
    DateTimeOffset? LastSentAt, RampStage Stage, DateTimeOffset? RampupStartedAt, bool BreakerOpen);
