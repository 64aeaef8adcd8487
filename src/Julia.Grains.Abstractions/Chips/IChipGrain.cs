namespace Julia.Grains.Chips;

/// <summary>
/// One chip: the cap authority, and the one way its row changes. A reservation is checked against the
/// chip's current state and charged durably before it is answered, so hour and day caps and the gap
/// between sends hold however many selections and nodes race for the chip. Calls are idempotent by request
/// id: a caller that timed out asks again with the same id, marked <see cref="ReserveRequest.Repeat"/>, within
/// 10 minutes, and gets the first answer, never a second charge. Operators' actions, send results (the breaker), gateway signals and connection changes, and
/// trust scores all go through the grain too, so they queue with reservations instead of racing them.
/// </summary>
/// <remarks>
/// Each method's [Alias] pins the wire identity it had before it carried one (the code generator's hash of its
/// signature), so nodes of the previous release still understand it and a rename no longer changes it. A method
/// added later takes a new alias of its own; an alias never changes. The interface itself has no [Alias] yet: one
/// changes how the interface is named on the wire, which a node of the previous release cannot read (deploy/mixed-version
/// answered 500 with one); it can come once every node knows the alias (docs/operations.md, rolling upgrade).
/// </remarks>
public interface IChipGrain : IGrainWithIntegerKey
{
    [Alias("4ACB023E")]
    Task<ReserveAnswer> TryReserveAsync(ReserveRequest request);

    /// <summary>An operator's pause, resume, retire or promote, recorded in operations with who and why.</summary>
    [Alias("9913CB06")]
    Task<StatusChanged> ApplyOperatorActionAsync(OperatorRequest request);

    /// <summary>
    /// The pool manager moves the chip (demote, promote, recover, stand down, retire), recorded in operations
    /// with actor pool-manager and its reason; only if the chip is still in <see cref="PoolMove.From"/>.
    /// </summary>
    [Alias("F092E213")]
    Task<StatusChanged> ApplyPoolMoveAsync(PoolMove move);

    /// <summary>
    /// A send's result from this chip: the chip-side effect (breaker, cooldown, restriction) applied in one turn, and
    /// the send policy's verdict for the message, which the outbox carries out.
    /// </summary>
    [Alias("ReportSendAsync")]
    Task<SendAnswer> ReportSendAsync(SendReport report);

    /// <summary>A send's result for the breaker; the transition made, if any ("closed → open: …"). (The outbox reports through <see cref="ReportSendAsync"/>;
    /// kept for nodes of the previous release during a rolling upgrade.)</summary>
    [Alias("1149A66D")]
    Task<string?> RecordBreakerResultAsync(BreakerResult result, DateTimeOffset now);

    /// <summary>The platform asked this number to slow down: it cools down.</summary>
    [Alias("FA2101B2")]
    Task ApplyRateLimitAsync(string detail, DateTimeOffset now);

    /// <summary>A spam or restriction signal: the chip pauses, the pool gate trips, an operator is alerted.</summary>
    [Alias("24A6B029")]
    Task ApplyRestrictionAsync(string detail, DateTimeOffset now);

    /// <summary>
    /// Meta's report of a Meta chip's standing (the poll, or a quality webhook): recorded, and applied by the standing rules
    /// (RED stops business-initiated sends on the chip and alerts; BLOCKED stops the chip like a restriction). The change
    /// made, in words, or null. A chip that is not on Meta ignores it.
    /// </summary>
    [Alias("ApplyStandingAsync")]
    Task<string?> ApplyStandingAsync(StandingReport report);

    /// <summary>The gateway's connection.update (open, connecting, close with its status reason).</summary>
    [Alias("0E65BE46")]
    Task ApplyConnectionAsync(string state, int? statusReason, DateTimeOffset now);

    /// <summary>A recomputed trust score; false when it equals the stored one (nothing written).</summary>
    [Alias("F5152205")]
    Task<bool> SetTrustAsync(TrustChange change);

    // The chip's life before and around its service: registration, provisioning's steps, pairing, ramp-up and
    // connection checks change the row here too, so they queue with its reservations like every other change.

    /// <summary>
    /// Registers this chip under this grain's id (drawn by the caller from the chips' sequence), with its first
    /// trust score and who registered it: done (also for a repeat of this very registration), exists (another chip
    /// has the phone or the instance) or invalid_status.
    /// </summary>
    [Alias("RegisterAsync")]
    Task<StatusChanged> RegisterAsync(ChipRegistration registration);

    /// <summary>Provisioning created the chip's gateway instance and set its webhook: provisioned → pending, waiting for its QR.</summary>
    [Alias("InstanceReadyAsync")]
    Task<StatusChanged> InstanceReadyAsync(InstanceReady ready);

    /// <summary>The gateway's newest pairing QR; false when the chip is not waiting for one (nothing kept).</summary>
    [Alias("KeepQrAsync")]
    Task<bool> KeepQrAsync(PairingQr qr);

    /// <summary>The daily ramp-up evaluation of this chip (once per São Paulo day): true when its stage changed.</summary>
    [Alias("ReviewRampupAsync")]
    Task<bool> ReviewRampupAsync(RampupReview review);

    /// <summary>
    /// What the gateway answered a connection health pass: applied (and recorded in operations) only if the chip's
    /// connected flag still disagrees with it; true when it was corrected.
    /// </summary>
    [Alias("ReconcileConnectionAsync")]
    Task<bool> ReconcileConnectionAsync(ConnectionCheck check);
}
