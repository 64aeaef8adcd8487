using Julia.Domain.Chips;
using Julia.Domain.Trust;

namespace Julia.Domain.Selection;

/// <summary>
/// What ranking reads of one chip, packed into 64 bytes with its times as UTC ticks. A pool is ranked by
/// scanning an array of these front to back; at 10,000 chips, following a reference to each chip's record
/// (scattered over the heap as chips are updated) cost more than deciding on it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051",
    Justification = "Packed for the ranking scan: fields, not properties, keep the struct at 64 bytes and its reads direct.")]
public readonly struct ChipFacts
{
    const long Never = long.MinValue;

    public readonly long Id;
    readonly long _cooldownUntil, _breakerUntil, _lastSentAt, _hourBucket;
    readonly int _sentThisHour, _sentToday, _dayBucket;
    public readonly int Ddd;
    public readonly short TrustScore;
    readonly byte _status, _stage, _breaker;
    public readonly bool Connected;

    public ChipFacts(ChipSummary c)
    {
        Id = c.Id;
        _cooldownUntil = c.CooldownUntil?.UtcTicks ?? Never;
        _breakerUntil = c.BreakerUntil?.UtcTicks ?? long.MaxValue; // a breaker with no time holds until told otherwise
        _lastSentAt = c.LastSentAt?.UtcTicks ?? Never;
        _hourBucket = c.HourBucket?.UtcTicks ?? Never;
        _dayBucket = c.DayBucket?.DayNumber ?? -1;
        (_sentThisHour, _sentToday, Ddd, TrustScore) = (c.SentThisHour, c.SentToday, c.Ddd, (short)c.TrustScore);
        (_status, _stage, _breaker, Connected) = ((byte)c.Status, (byte)c.Stage, (byte)c.Breaker, c.Connected);
    }

    public ChipStatus Status => (ChipStatus)_status;
    public RampStage Stage => (RampStage)_stage;
    public BreakerState Breaker => (BreakerState)_breaker;

    /// <summary>Sends counted in the hour starting at <paramref name="hour"/> (UTC ticks).</summary>
    public int UsedThisHour(long hour) => _hourBucket == hour ? _sentThisHour : 0;

    /// <summary>Sends counted on the day numbered <paramref name="day"/> (<see cref="DateOnly.DayNumber"/>).</summary>
    public int UsedToday(int day) => _dayBucket == day ? _sentToday : 0;

    public bool CoolingDown(long now) => _cooldownUntil > now;

    /// <summary>Open, or half-open with its trial out, until its time is up.</summary>
    public bool BreakerHolds(long now) => Breaker != BreakerState.Closed && _breakerUntil > now;

    public bool WithinGap(long now, TimeSpan gap) => _lastSentAt != Never && now - _lastSentAt < gap.Ticks;
}
