using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Npgsql;

namespace Julia.Storage.Chips;

/// <summary>A chip as stored; <see cref="Summary"/> is the part selection ranks on.</summary>
public sealed record ChipRow(
    ChipSummary Summary, string Provider, ChipStatus? PausedFrom, DateTimeOffset? TrustUpdatedAt,
    DateTimeOffset? RampupStartedAt, DateTimeOffset AccountCreatedAt, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? RetiredAt)
{
    public long Id => Summary.Id;
    public ChipStatus Status => Summary.Status;

    /// <summary>The column list every chip query returns, so one mapper reads them all.</summary>
    public const string Columns = """
        id, phone, ddd, instance, provider, status, paused_from, connected, trust_score, trust_updated_at,
        rampup_stage, rampup_started_at, account_created_at, cooldown_until, breaker_state, breaker_until,
        last_sent_at, hour_bucket, sent_this_hour, day_bucket, sent_today, created_at, updated_at, retired_at
        """;

    /// <summary>The same columns qualified by a table alias (for RETURNING in an UPDATE … FROM).</summary>
    public static string Prefixed(string alias) =>
        string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => $"{alias}.{c}"));

    public static ChipRow Read(NpgsqlDataReader r) => new(ReadSummary(r), r.Get<string>("provider"),
        r.OptString("paused_from") is { } pf ? ChipStatuses.Parse(pf) : null, r.Opt<DateTimeOffset>("trust_updated_at"),
        r.Opt<DateTimeOffset>("rampup_started_at"), r.Get<DateTimeOffset>("account_created_at"),
        r.Get<DateTimeOffset>("created_at"), r.Get<DateTimeOffset>("updated_at"), r.Opt<DateTimeOffset>("retired_at"));

    public static ChipSummary ReadSummary(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<string>("phone"), r.Get<string>("instance"), r.Get<short>("ddd"),
        ChipStatuses.Parse(r.Get<string>("status")), r.Get<short>("trust_score"), (RampStage)r.Get<short>("rampup_stage"),
        r.Get<bool>("connected"), r.Opt<DateTimeOffset>("cooldown_until"), ParseBreaker(r.Get<string>("breaker_state")),
        r.Opt<DateTimeOffset>("breaker_until"), r.Opt<DateTimeOffset>("last_sent_at"), r.Opt<DateTimeOffset>("hour_bucket"),
        r.Get<int>("sent_this_hour"), r.Opt<DateOnly>("day_bucket"), r.Get<int>("sent_today"));

    public static BreakerState ParseBreaker(string s) => s switch
    {
        "open" => BreakerState.Open,
        "half_open" => BreakerState.HalfOpen,
        _ => BreakerState.Closed,
    };

    public static string ToWire(BreakerState s) => s switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
