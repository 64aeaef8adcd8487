using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Storage.Chips;

namespace Julia.Grains.Chips;

/// <summary>
/// The cap authority for one chip. Its state is the chip's row, read on activation and written only by a
/// charge conditional on the row's version: other writers (operators, gateway signals, trust, the breaker)
/// move the version, so a charge decided on a stale copy is refused and decided again on a fresh read. Two
/// activations of one chip (a membership change, two clusters on one database) are safe for the same
/// reason: only one write per version succeeds. Durable before acknowledged: the answer follows the write.
/// </summary>
public sealed class ChipGrain(ReservationStore store) : Grain, IChipGrain
{
    ChipCopy? _copy;

    public async Task<ReserveAnswer> TryReserveAsync(ReserveRequest r)
    {
        var id = this.GetPrimaryKeyLong();
        bool fresh = false;
        if (_copy is null) { _copy = await ReadAsync(id); fresh = true; }
        if (_copy.RecentReservations.Contains(r.RequestId)) return new(true, null, _copy.Chip.ToView());

        var planned = r.Planned.ToSummary();
        var limits = new ChipLimits(r.PerHour, r.PerDay, r.MinGap);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            var chip = _copy.Chip;
            if (Reservations.Refusal(chip, planned, limits, r.Now, r.Day) is { } refusal)
            {
                // Refuse only on what is stored: a copy may lag an out-of-band change (a resumed chip, a reconnection).
                if (fresh) return new(false, refusal, chip.ToView());
                _copy = await ReadAsync(id);
                fresh = true;
                if (_copy.RecentReservations.Contains(r.RequestId)) return new(true, null, _copy.Chip.ToView());
                continue;
            }
            var charged = Reservations.Charge(chip, r.Now, r.Day);
            if (await store.ChargeAsync(charged, _copy.Version, r.RequestId, chip.Breaker != BreakerState.Closed, r.Now, CancellationToken.None) is { } version)
            {
                _copy = new ChipCopy(charged, version, [.. _copy.RecentReservations.TakeLast(ReservationStore.RecentKept - 1), r.RequestId]);
                return new(true, null, charged.ToView());
            }
            // The row moved on since it was read: read it and decide again.
            _copy = await ReadAsync(id);
            fresh = true;
            if (_copy.RecentReservations.Contains(r.RequestId)) return new(true, null, _copy.Chip.ToView());
        }
        return new(false, "contended", _copy.Chip.ToView());
    }

    async Task<ChipCopy> ReadAsync(long id) =>
        await store.LoadAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"chip {id} does not exist");
}
