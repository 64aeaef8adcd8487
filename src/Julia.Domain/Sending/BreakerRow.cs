using Julia.Domain.Selection;

namespace Julia.Domain.Sending;

/// <summary>The breaker fields of a chip row.</summary>
public sealed record BreakerRow(BreakerState State, DateTimeOffset? Until, int OpenSeconds, int ConsecutiveFailures,
                                DateTimeOffset? WindowStartedAt, int WindowSends, int WindowFailures);
