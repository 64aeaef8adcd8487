using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Storage.Chips;

namespace Julia.Grains.Chips;

/// <summary>Between the rules' ChipSummary and its wire form.</summary>
public static class ChipViews
{
    public static ChipView ToView(this ChipSummary c) => new(c.Id, c.Phone, c.Instance, c.Ddd, ChipStatuses.ToWire(c.Status), c.TrustScore, (int)c.Stage,
        c.Connected, c.CooldownUntil, ChipRow.ToWire(c.Breaker), c.BreakerUntil, c.LastSentAt, c.HourBucket, c.SentThisHour, c.DayBucket, c.SentToday);

    public static ChipSummary ToSummary(this ChipView v) => new(v.Id, v.Phone, v.Instance, v.Ddd, ChipStatuses.Parse(v.Status), v.TrustScore,
        (RampStage)v.Stage,
        v.Connected, v.CooldownUntil, ChipRow.ParseBreaker(v.Breaker), v.BreakerUntil, v.LastSentAt, v.HourBucket, v.SentThisHour, v.DayBucket, v.SentToday);
}
