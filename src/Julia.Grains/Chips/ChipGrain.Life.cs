using Julia.Domain.Chips;
using Julia.Domain.Pool;
using Julia.Domain.Trust;
using Julia.Storage.Chips;
using Julia.Storage.Connections;
using Julia.Storage.Operations;

namespace Julia.Grains.Chips;

/// <summary>
/// The chip's life outside sending: registration (with the first trust score of Julia.Domain's Registration),
/// provisioning's move to pending, the pairing QR, the daily ramp-up stage and the health pass's connection
/// corrections. Each is a store's guarded statement run through <see cref="Changing{T}"/>, so it queues with the
/// chip's reservations and the grain reads the row again afterwards.
/// </summary>
public sealed partial class ChipGrain
{
    public Task<StatusChanged> RegisterAsync(ChipRegistration r) => Changing(async () =>
    {
        var id = this.GetPrimaryKeyLong();
        if (!ChipStatuses.TryParse(r.Status, out var status) || !Registration.Allows(status)) return new StatusChanged("invalid_status", null);
        var stage = Registration.Stage(status);
        var chip = new NewChip(r.Phone, r.Ddd, r.Instance, r.InstanceToken, r.WebhookSecret, r.Provider, status,
            r.Connected ?? Registration.Connected(status), stage, r.AccountCreatedAt, Registration.Trust(r.AccountCreatedAt, stage, r.Now));
        if (await chips.RegisterAsync(id, chip, r.Actor, r.Now, CancellationToken.None) is { } row) return new StatusChanged("done", row.Status.ToWire());
        // Refused: a repeat of this registration (its first answer lost) finds its own row; otherwise the phone or instance is another chip's.
        return await chips.GetAsync(id, CancellationToken.None) is { } mine && mine.Summary.Instance == r.Instance
            ? new StatusChanged("done", mine.Status.ToWire())
            : new StatusChanged("exists", null);
    });

    public Task<StatusChanged> InstanceReadyAsync(InstanceReady r) => Changing(async () =>
    {
        var (outcome, row) = await chips.TransitionAsync(this.GetPrimaryKeyLong(), ChipStatus.Provisioned, ChipStatus.Pending, r.Actor,
            "chip_instance_created", r.Reason, r.Now, CancellationToken.None);
        return Answer(outcome, row);
    });

    public Task<bool> KeepQrAsync(PairingQr qr) =>
        Changing(() => qrs.StoreAsync(this.GetPrimaryKeyLong(), qr.Code, qr.Base64, qr.Now, CancellationToken.None));

    /// <summary>The stage rule on this chip's own figures since its stage began, read here; the evaluation is keyed by (chip, day) in rampup_log.</summary>
    public Task<bool> ReviewRampupAsync(RampupReview r) => Changing(async () =>
    {
        if ((await rampup.RampupAsync(this.GetPrimaryKeyLong(), CancellationToken.None)).FirstOrDefault() is not { } chip) return false; // not in ramp-up
        var next = RampUp.Next(chip.Stage, PoolManager.Days(chip.StartedAt, r.Now), chip.Stats);
        return await rampup.EvaluatedAsync(chip, r.Day, next, r.Actor, r.Now, CancellationToken.None);
    });

    public async Task<bool> ReconcileConnectionAsync(ConnectionCheck check)
    {
        var id = this.GetPrimaryKeyLong();
        // connecting is not usable for sending: it counts as closed, as the connection.update webhook does.
        var open = check.GatewayState == "open";
        bool corrected = await Changing(async () =>
        {
            // Read again now: a webhook may have set the flag since the pass listed the chip (unknown or gone: nothing to do).
            if (await connections.ConnectedAsync(id, CancellationToken.None) is not { } current || current == open) return false;
            await signals.ConnectionAsync(id, open ? "open" : "close", null, check.Now, CancellationToken.None);
            await connections.RecordAsync(new NewOperation(ConnectionStore.Actor, "connection_reconciled", id,
                Reason: $"gateway says {check.GatewayState}; the chip was marked {(current ? "connected" : "disconnected")}",
                Details: new { instance = check.Instance, gatewayState = check.GatewayState }), check.Now, CancellationToken.None);
            return true;
        });
        if (corrected) NudgePool();
        return corrected;
    }
}
