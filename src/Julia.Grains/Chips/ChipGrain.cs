using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Julia.Storage.Selection;

namespace Julia.Grains.Chips;

/// <summary>
/// The cap authority for one chip. Its state is the chip's row, read on activation and written only by a
/// charge conditional on the row's version: other writers (operators, gateway signals, trust, the breaker)
/// move the version, so a charge decided on a stale copy is refused and decided again on a fresh read. Two
/// activations of one chip (a membership change, two clusters on one database) are safe for the same
/// reason: only one write per version succeeds. Durable before acknowledged: the answer follows the write,
/// which also records the decision (audit row, sticky conversation) so the two cannot disagree.
/// </summary>
public sealed class ChipGrain(ReservationStore store, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(Names.Clock)] TimeProvider time) : Grain, IChipGrain
{
    ChipCopy? _copy;

    // Refusals only this grain's own writes can lift (the counters are written by the chip alone): its copy
    // is authoritative for them. Any other refusal may lag an out-of-band change (a resumed chip, a
    // reconnection, a cleared cooldown), so it is confirmed on a fresh read first.
    static readonly HashSet<string> OwnRefusals = ["hour_cap", "day_cap", "min_gap"];

    public Task<ReserveAnswer> TryReserveAsync(ReserveRequest r) => Stored.Guard(() => ReserveAsync(r));

    async Task<ReserveAnswer> ReserveAsync(ReserveRequest r)
    {
        var id = this.GetPrimaryKeyLong();
        // A request that queued behind others is checked and stamped with the chip's own clock, so the gap
        // and the hour are those of the real send. (The São Paulo day stays the caller's: a request queued
        // across midnight counts on the day it was made.)
        var clock = time.GetUtcNow();
        if (clock > r.Now) r = r with { Now = clock };
        bool fresh = false;
        if (_copy is null) { _copy = await ReadAsync(id); fresh = true; }
        if (await RepeatedAsync(r.RequestId) is { } repeat) return repeat;

        var planned = r.Planned.ToSummary();
        var limits = new ChipLimits(r.PerHour, r.PerDay, r.MinGap);
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
                var grant = new Grant(d.Contact, MessageKinds.TryParse(d.Kind, out var kind) ? kind : throw new ArgumentException($"unknown kind {d.Kind}"),
                    id, d.Affinity, d.Candidates, d.Excluded, d.Fallback, d.MigrationReason, d.Node);
                if (await store.ChargeAsync(charged, _copy.Version, r.RequestId, chip.Breaker != BreakerState.Closed, grant, r.Now, CancellationToken.None) is { } done)
                {
                    _copy = done.Copy;
                    return new(true, null, charged.ToView(), ToWire(done.Record));
                }
            }
            // A refusal that may lag an out-of-band change, or a row that moved on since it was read: read it and decide again.
            _copy = await ReadAsync(id);
            fresh = true;
            if (await RepeatedAsync(r.RequestId) is { } earlier) return earlier;
        }
        return new(false, "contended", _copy.Chip.ToView());
    }

    /// <summary>The first answer to a request this chip already granted (kept in the row as "requestId:selectionId").</summary>
    async Task<ReserveAnswer?> RepeatedAsync(string requestId)
    {
        var prefix = requestId + ":";
        var entry = _copy!.RecentReservations.LastOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal));
        if (entry is null) return null;
        var record = await store.RecordedAsync(long.Parse(entry[prefix.Length..]), CancellationToken.None);
        return new(true, null, _copy.Chip.ToView(), ToWire(record));
    }

    static Recorded ToWire(GrantRecord g) => new(g.SelectionId, g.Reason, g.ConversationId, g.PreviousChipId, g.AnnouncementPending);

    async Task<ChipCopy> ReadAsync(long id) =>
        await store.LoadAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"chip {id} does not exist");
}
