using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Julia.Domain.Standing;
using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Julia.Storage.Selection;
using Julia.Storage.Signals;
using Julia.Storage.Trust;

namespace Julia.Grains.Chips;

/// <summary>
/// The cap authority for one chip, and the one way its row changes. Its state is the chip's row, read on
/// activation. Charges and breaker changes are written conditional on the row's version, which every
/// update moves: a decision made on a stale copy (a second activation during a membership change, two
/// clusters on one database, an operator's hand-written SQL) is refused and made again on a fresh read.
/// Operators' actions, gateway signals, connection changes and trust scores (and, in ChipGrain.Life.cs, the
/// chip's registration, provisioning, pairing QR, ramp-up stage and connection checks) are the stores' guarded
/// statements, run here so they queue with reservations; the copy is read again after each. No other code
/// writes the chips table (ChipWritesTests holds that). Durable before
/// acknowledged: every answer follows its write, and a charge records the decision (audit row, sticky
/// conversation) in the same statement so the two cannot disagree.
/// </summary>
public sealed partial class ChipGrain(ReservationStore store, ChipStore chips, SignalStore signals, TrustStore trust, SendPolicy sending,
                              Julia.Storage.Provisioning.QrStore qrs, Julia.Storage.Pool.ManagerStore rampup,
                              Julia.Storage.Connections.ConnectionStore connections, Julia.Storage.Meta.MetaStandingStore standings,
                              Clock time) : Grain, IChipGrain
{
    ChipCopy? _copy;
    // A Meta chip's standing (null for any other chip), read with the chip's row and kept current by ApplyStandingAsync,
    // and its pair-rate and throughput budgets: memory only, so selection's warm path reads nothing more for them.
    MetaStanding? _standing;
    readonly SendBudget _budget = new();
    // Successes counted by a closed breaker since the row was last written: they ride on the next write (a
    // charge, which every send needs anyway) instead of costing one of their own. A crash loses at most
    // these, which only makes the 5-minute failure ratio look worse for a moment, never better.
    bool _unsavedCounts;
    // What this activation granted lately, by request id: a repeat is answered from here. (A repeat that
    // reaches a later activation, or meets a version another activation moved, is looked up in selections.)
    readonly Dictionary<string, GrantRecord> _granted = [];
    readonly Queue<string> _grantOrder = new();
    const int GrantsKept = 64;

    // Refusals only this grain's own writes can lift (the counters are written by the chip alone): its copy
    // is authoritative for them. Any other refusal may lag an out-of-band change (a resumed chip, a
    // reconnection, a cleared cooldown), so it is confirmed on a fresh read first.
    static readonly HashSet<string> OwnRefusals = ["hour_cap", "day_cap", "min_gap"];

    /// <remarks><see cref="Stored.Guard{T}"/> written out in place: the hottest call keeps one async frame.</remarks>
    public async Task<ReserveAnswer> TryReserveAsync(ReserveRequest r)
    {
        try
        {
            var id = this.GetPrimaryKeyLong();
            var asked = r.Now;
            // A request that queued behind others is checked and stamped with the chip's own clock, so the gap
            // and the hour are those of the real send. (The São Paulo day stays the caller's: a request queued
            // across midnight counts on the day it was made.)
            var clock = time.GetUtcNow();
            if (clock > r.Now) r = r with { Now = clock };
            bool fresh = false;
            if (_copy is null) { _copy = await ReadAsync(id); fresh = true; }
            // Only a repeat can have been granted before this call, unless another activation wrote the row.
            bool grantedElsewhere = r.Repeat;
            if (await RepeatedAsync(r, asked, grantedElsewhere) is { } repeat) return repeat;

            var planned = r.Planned.ToSummary();
            var limits = new ChipLimits(r.PerHour, r.PerDay, r.MinGap);
            if (!MessageKinds.TryParse(r.Decision.Kind, out var kind)) throw new ArgumentException($"unknown kind {r.Decision.Kind}");
            if (_standing is { } standing)
            {
                // Meta's view of the number slows or stops it here, where the caps are kept: never routed around.
                if (StandingRules.Refusal(standing, kind) is { } stopped) return new(false, stopped, _copy.Chip.ToView());
                if (_budget.Check(r.Decision.Contact, r.Now, standing.ThroughputPerSecond) is { } wait)
                    return new(false, wait.Code, _copy.Chip.ToView(), RetryAt: wait.RetryAt);
                limits = StandingRules.Limits(limits, standing);
            }
            for (int attempt = 0; attempt < 4; attempt++)
            {
                var chip = _copy.Chip;
                if (Reservations.Refusal(chip, planned, limits, r.Now, r.Day) is { } refusal)
                {
                    if (fresh || OwnRefusals.Contains(refusal)) return new(false, refusal, chip.ToView());
                }
                else
                {
                    var charged = Reservations.Charge(chip, r.Now, r.Day);
                    var d = r.Decision;
                    var grant = new Grant(d.Contact, kind, id, d.Affinity, d.Candidates, d.Excluded, d.Fallback, d.MigrationReason, d.Node);
                    if (await store.ChargeAsync(charged, _copy.Counts, _copy.Version, r.RequestId, chip.Breaker != BreakerState.Closed, grant, r.Now,
                        CancellationToken.None) is { } done)
                    {
                        _copy = done.Copy;
                        _unsavedCounts = false;
                        if (_standing is not null) _budget.Record(d.Contact, r.Now);
                        Remember(r.RequestId, done.Record);
                        return new(true, null, charged.ToView(), ToWire(done.Record));
                    }
                    grantedElsewhere = true; // the row moved on: perhaps a stale activation granted this very request
                }
                // A refusal that may lag an out-of-band change, or a row that moved on since it was read: read it and decide again.
                _copy = await ReadAsync(id);
                fresh = true;
                if (await RepeatedAsync(r, asked, grantedElsewhere) is { } earlier) return earlier;
            }
            return new(false, "contended", _copy.Chip.ToView());
        }
        catch (Npgsql.NpgsqlException e) { throw Stored.Crossing(e); }
    }

    /// <summary>
    /// The send policy decides what the result means; this turn applies its effect on the chip (the breaker counts it, the
    /// chip cools down, or it is restricted) before answering the verdict, so the message is settled after the chip is.
    /// </summary>
    public Task<SendAnswer> ReportSendAsync(SendReport report) => Stored.Guard(async () =>
    {
        var (result, message) = report.ToDomain();
        var verdict = sending.OnResult(result, message, report.Now, Random.Shared.NextDouble());
        string? change = null;
        switch (SendPolicy.EffectOn(result))
        {
            case ChipEffect.BreakerSuccess: change = await CountAsync(Breaker.Result.Success, report.Now); break;
            case ChipEffect.BreakerFailure: change = await CountAsync(Breaker.Result.Failure, report.Now); break;
            case ChipEffect.BreakerNeutral: change = await CountAsync(Breaker.Result.Neutral, report.Now); break;
            case ChipEffect.Cooldown: await ApplyRateLimitAsync(result.Detail ?? "rate limited", report.Now); break;
            case ChipEffect.Restrict: await ApplyRestrictionAsync(result.Detail ?? "restricted", report.Now); break;
        }
        return verdict.ToAnswer(change);
    });

    public Task<string?> RecordBreakerResultAsync(BreakerResult result, DateTimeOffset now) =>
        Stored.Guard(() => CountAsync(result switch
        {
            BreakerResult.Success => Breaker.Result.Success,
            BreakerResult.Failure => Breaker.Result.Failure,
            _ => Breaker.Result.Neutral,
        }, now));

    async Task<string?> CountAsync(Breaker.Result outcome, DateTimeOffset now)
    {
        var id = this.GetPrimaryKeyLong();
        for (int attempt = 0; attempt < 4; attempt++)
        {
            _copy ??= await ReadAsync(id);
            var before = _copy.Breaker;
            var (after, reason) = Breaker.OnResult(before, outcome, now);
            if (after == before) return null;
            if (reason is null && before.State == BreakerState.Closed && after.State == BreakerState.Closed && outcome != Breaker.Result.Failure)
            {
                _copy = _copy.With(after);
                _unsavedCounts = true;
                return null;
            }
            if (await store.SaveBreakerAsync(id, _copy.Version, before.State, after, reason, now, CancellationToken.None) is { } version)
            {
                _copy = _copy.With(after) with { Version = version };
                _unsavedCounts = false;
                if (after.State != before.State) Observability.JuliaMetrics.BreakerEntered(ChipRow.ToWire(after.State));
                return reason is null ? null : $"{ChipRow.ToWire(before.State)} → {ChipRow.ToWire(after.State)}: {reason}";
            }
            _copy = null; // written by someone else since it was read
        }
        throw new StoreException("the chip's row kept changing while its breaker was written", null, transient: true);
    }

    public Task<StatusChanged> ApplyOperatorActionAsync(OperatorRequest r) => Changing(async () =>
    {
        var id = this.GetPrimaryKeyLong();
        if (!Enum.TryParse<OperatorAction>(r.Action, ignoreCase: true, out var action)) throw new ArgumentException($"unknown action {r.Action}");
        if (await chips.GetAsync(id, CancellationToken.None) is not { } chip) return new StatusChanged("not_found", null);
        if (Lifecycle.Target(action, chip.Status, chip.PausedFrom) is not { } target) return new StatusChanged("invalid_transition", chip.Status.ToWire());
        var (outcome, row) = await chips.TransitionAsync(id, chip.Status, target, r.Actor, "chip_" + r.Action.ToLowerInvariant(), r.Reason, r.Now,
            CancellationToken.None);
        if (outcome == TransitionOutcome.Done) NudgePool();
        return Answer(outcome, row);
    });

    public Task<StatusChanged> ApplyPoolMoveAsync(PoolMove m) => Changing(async () =>
    {
        ChipStatus from = ChipStatuses.Parse(m.From), to = ChipStatuses.Parse(m.To);
        if (!Lifecycle.CanMove(from, to)) return new StatusChanged("invalid_transition", m.From);
        var (outcome, row) = await chips.TransitionAsync(this.GetPrimaryKeyLong(), from, to, "pool-manager", m.Action, m.Reason, m.Now, CancellationToken.None);
        return Answer(outcome, row);
    });

    static StatusChanged Answer(TransitionOutcome outcome, ChipRow? row) => outcome switch
    {
        TransitionOutcome.Done => new StatusChanged("done", row!.Status.ToWire()),
        TransitionOutcome.NotFound => new StatusChanged("not_found", null),
        _ => new StatusChanged("concurrent_change", null),
    };

    /// <summary>Tells the pool manager this chip changed (one-way: the pool's own cycle calls chip grains, so this never waits on it).</summary>
    void NudgePool() => _ = GrainFactory.GetGrain<Pool.IPoolGrain>(Names.Pool).ChipChangedAsync(this.GetPrimaryKeyLong());

    public Task ApplyRateLimitAsync(string detail, DateTimeOffset now) =>
        Changing(() => signals.CooldownAsync(this.GetPrimaryKeyLong(), detail, now, CancellationToken.None));

    public async Task ApplyRestrictionAsync(string detail, DateTimeOffset now)
    {
        await Changing(() => signals.RestrictAsync(this.GetPrimaryKeyLong(), detail, now, CancellationToken.None));
        NudgePool();
    }

    public Task<string?> ApplyStandingAsync(StandingReport report) => Stored.Guard(async () =>
    {
        var id = this.GetPrimaryKeyLong();
        // Read from the row, not memory: the write below must build on what is stored.
        if (await standings.ReadAsync(id, CancellationToken.None) is not { } before) return null; // not a Meta chip
        var after = before.With(new MetaStanding(StandingWords.Quality(report.Quality), StandingWords.Health(report.Health), report.MessagingLimit,
            report.ThroughputPerSecond, report.HealthDetail));
        _copy ??= await ReadAsync(id);
        bool stopped = _copy.Chip.Status is ChipStatus.Paused or ChipStatus.Retired;
        var change = StandingRules.Change(before, after, id, stopped);
        await standings.SaveAsync(id, before, after, change, report.Polled, report.PollSoon, report.Now, CancellationToken.None);
        _standing = after;
        if (change.Effect == StandingEffect.Restrict) await ApplyRestrictionAsync(change.Detail!, report.Now);
        else if (before != after) NudgePool();
        return change.Detail;
    });

    public async Task ApplyConnectionAsync(string state, int? statusReason, DateTimeOffset now)
    {
        await Changing(() => signals.ConnectionAsync(this.GetPrimaryKeyLong(), state, statusReason, now, CancellationToken.None));
        NudgePool();
    }

    public async Task<bool> SetTrustAsync(TrustChange t)
    {
        bool changed = await Changing(() => trust.SaveAsync(this.GetPrimaryKeyLong(), t.Score, t.Level, t.Factors, t.Cause, t.Now, CancellationToken.None));
        if (changed) NudgePool();
        return changed;
    }

    Task<bool> Changing(Func<Task> change) => Changing(async () => { await change(); return true; });

    /// <summary>A store's own guarded change to the row: the copy is read again on the next call, whatever happened.</summary>
    Task<T> Changing<T>(Func<Task<T>> change) => Stored.Guard(async () =>
    {
        await SaveCountsAsync();
        try { return await change(); }
        finally { _copy = null; }
    });

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        try { await SaveCountsAsync(); }
        catch (Exception) { /* best effort: the counts are a 5-minute statistic */ }
    }

    /// <summary>Writes the breaker's unsaved counts (conditional on the version, like every write here).</summary>
    async Task SaveCountsAsync()
    {
        if (!_unsavedCounts || _copy is null) return;
        _unsavedCounts = false;
        if (await store.SaveBreakerAsync(this.GetPrimaryKeyLong(), _copy.Version, _copy.Breaker.State, _copy.Breaker, null, time.GetUtcNow(),
            CancellationToken.None) is { } version)
            _copy = _copy with { Version = version };
        else _copy = null;
    }

    /// <summary>The first answer to a request this chip already granted: from memory, or when it may have been granted elsewhere, from selections.</summary>
    async Task<ReserveAnswer?> RepeatedAsync(ReserveRequest r, DateTimeOffset asked, bool lookInStore)
    {
        if (!_granted.TryGetValue(r.RequestId, out var record))
        {
            if (!lookInStore) return null;
            if (await store.RecordedAsync(this.GetPrimaryKeyLong(), r.RequestId, r.Decision.Contact, asked,
                CancellationToken.None) is not { } found) return null;
            Remember(r.RequestId, record = found);
        }
        return new(true, null, _copy!.Chip.ToView(), ToWire(record));
    }

    void Remember(string requestId, GrantRecord record)
    {
        if (!_granted.TryAdd(requestId, record)) return;
        _grantOrder.Enqueue(requestId);
        if (_grantOrder.Count > GrantsKept) _granted.Remove(_grantOrder.Dequeue());
    }

    static Recorded ToWire(GrantRecord g) => new(g.SelectionId, g.Reason, g.ConversationId, g.PreviousChipId, g.AnnouncementPending);

    async Task<ChipCopy> ReadAsync(long id)
    {
        _unsavedCounts = false; // the row as stored wins over counts kept on a copy that went stale
        var (copy, standing) = await store.LoadWithStandingAsync(id, CancellationToken.None)
            ?? throw new InvalidOperationException($"chip {id} does not exist");
        _standing = standing;
        return copy;
    }
}
