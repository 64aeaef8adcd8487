namespace Julia.Domain.Selection;

/// <summary>The request as selection sees it.</summary>
public sealed record SelectionRequest(
    MessageKind Kind, int ContactDdd, long? AffinityChipId, bool ContactHasSpoken,
    IReadOnlySet<long> Excluded);
