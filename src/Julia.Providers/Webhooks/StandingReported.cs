namespace Julia.Providers.Webhooks;

/// <summary>
/// A gateway said something about a number's standing with the platform (for Meta: quality, health, messaging limit,
/// throughput; null where it said nothing). <see cref="PollSoon"/>: it moved without saying how, so ask again soon.
/// </summary>
public sealed record StandingReported(string? Quality, string? Health, string? HealthDetail, string? MessagingLimit, int? ThroughputPerSecond,
                                      bool PollSoon, string Detail) : InboundEvent;
