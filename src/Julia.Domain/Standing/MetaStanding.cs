namespace Julia.Domain.Standing;

/// <summary>
/// A Meta number's standing as Meta last reported it (polled from the phone number, or from a quality webhook of an older
/// Graph version): its quality rating, health, its portfolio's messaging limit tier and its throughput. Null: not reported
/// yet. <see cref="HealthDetail"/> says why a limited or blocked number is so, in Meta's words.
/// </summary>
public sealed record MetaStanding(QualityRating? Quality, MetaHealth? Health, string? MessagingLimit, int? ThroughputPerSecond, string? HealthDetail = null)
{

    /// <summary>This standing with what <paramref name="report"/> says laid over it (a webhook reports only some of it).</summary>
    public MetaStanding With(MetaStanding report) => new(report.Quality ?? Quality, report.Health ?? Health, report.MessagingLimit ?? MessagingLimit,
        report.ThroughputPerSecond ?? ThroughputPerSecond, report.Health is null ? HealthDetail : report.HealthDetail);
}
