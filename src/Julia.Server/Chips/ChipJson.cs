using Julia.Domain.Chips;
using Julia.Domain.Pool;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Storage.Chips;

namespace Julia.Server.Chips;

public sealed record ChipJson(
    long Id, string Phone, string Instance, string Provider, string Status, string? PausedFrom, int TrustScore,
    string TrustLevel, string RampupStage, int HourCap, int DayCap, int MinGapSeconds, int SentThisHour, int SentToday,
    bool Connected, string Breaker, DateTimeOffset? BreakerUntil, DateTimeOffset? CooldownUntil, DateTimeOffset? LastSentAt,
    DateTimeOffset AccountCreatedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, RampupJson? Rampup = null, MetaChipJson? Meta = null)
{
    public static ChipJson From(ChipRow row, PoolConfig config, DateTimeOffset now)
    {
        var s = row.Summary;
        var limits = ChipLimits.For(s.Stage, s.TrustScore, config.Caps);
        return new ChipJson(s.Id, s.Phone, s.Instance, row.Provider, s.Status.ToWire(), row.PausedFrom?.ToWire(), s.TrustScore,
            TrustLevels.Of(s.TrustScore).ToWire(), StageName(s.Stage), limits.PerHour, limits.PerDay, (int)limits.MinGap.TotalSeconds,
            s.UsedThisHour(Candidates.HourOf(now)), s.UsedToday(config.Window.LocalDay(now)), s.Connected, ChipRow.ToWire(s.Breaker),
            s.BreakerUntil, s.CooldownUntil, s.LastSentAt, row.AccountCreatedAt, row.CreatedAt, row.UpdatedAt);
    }

    /// <summary>A ramp-up chip's progress: its stage, its day, what it did in the stage and what it still needs to advance.</summary>
    public static RampupJson Progress(Julia.Storage.Pool.RampupChip r, DateTimeOffset now)
    {
        var (day, needs) = Standing(r, now);
        return new RampupJson(StageName(r.Stage), day, r.StageAt, r.Sent, r.Delivered, r.Blocks, r.Spam, [.. needs.Select(n => n.ToString())]);
    }

    /// <summary>A ramp-up chip's day and what it still needs to advance (the API shows these in English, the console in Portuguese).</summary>
    public static (int Day, IReadOnlyList<RampNeed> Needs) Standing(Julia.Storage.Pool.RampupChip r, DateTimeOffset now)
    {
        int day = PoolManager.Days(r.StartedAt, now);
        return (day, RampUp.Needs(r.Stage, day, r.Stats, r.Trust));
    }

    public static string StageName(RampStage s) => s == RampStage.Operating ? "operating" : s.ToString().ToLowerInvariant();
}

/// <param name="Needs">Empty when the next daily evaluation advances the chip (or, at the last stage, makes it ready).</param>
public sealed record RampupJson(string Stage, int Day, DateTimeOffset StageSince, int SentInStage, int DeliveredInStage, int BlocksInStage,
                                bool SpamSignal, IReadOnlyList<string> Needs);
