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

    /// <summary>A send's result for the breaker; the transition made, if any ("closed → open: …"). (The outbox reports through <see cref="ReportSendAsync"/>; kept for nodes of the previous release during a rolling upgrade.)</summary>
    [Alias("1149A66D")]
    Task<string?> RecordBreakerResultAsync(BreakerResult result, DateTimeOffset now);

    /// <summary>The platform asked this number to slow down: it cools down.</summary>
    [Alias("FA2101B2")]
    Task ApplyRateLimitAsync(string detail, DateTimeOffset now);

    /// <summary>A spam or restriction signal: the chip pauses, the pool gate trips, an operator is alerted.</summary>
    [Alias("24A6B029")]
    Task ApplyRestrictionAsync(string detail, DateTimeOffset now);

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

[GenerateSerializer]
public enum BreakerResult { Success, Failure, Neutral }

/// <summary>A send's provider-neutral result (wire form of Julia.Domain's SendResult) and what the send policy needs of the message.</summary>
/// <param name="Outcome">SendOutcome's name: Sent, Timeout, Transient, RateLimited, SpamRestriction or Permanent.</param>
/// <param name="Concerns">SendConcern's name: Chip, Contact or Message.</param>
/// <param name="Code">The provider's own code; <paramref name="Detail"/>, its text.</param>
/// <param name="Attempts">The message's claims so far, this one included; <paramref name="ChipsTried"/>, the chips that failed it before this one.</param>
[GenerateSerializer, Immutable, Alias("julia.SendReport")]
public sealed record SendReport(
    [property: Id(0)] string Outcome, [property: Id(1)] string Concerns, [property: Id(2)] string? Code, [property: Id(3)] string? Detail,
    [property: Id(4)] int Attempts, [property: Id(5)] int ChipsTried, [property: Id(6)] DateTimeOffset ExpiresAt, [property: Id(7)] DateTimeOffset Now);

/// <summary>The send policy's verdict (wire form of Julia.Domain's SendVerdict), and the breaker's transition if the result made one.</summary>
/// <param name="Step">SendStep's name: Done, Wait, AnotherChip or Stop.</param>
[GenerateSerializer, Immutable, Alias("julia.SendAnswer")]
public sealed record SendAnswer(
    [property: Id(0)] string Step, [property: Id(1)] string? Reason, [property: Id(2)] DateTimeOffset? At, [property: Id(3)] string? Status,
    [property: Id(4)] string? Note, [property: Id(5)] bool Logged, [property: Id(6)] string? BreakerChange);

/// <param name="Action">pause, resume, retire or promote.</param>
[GenerateSerializer, Immutable, Alias("julia.OperatorRequest")]
public sealed record OperatorRequest([property: Id(0)] string Action, [property: Id(1)] string Actor, [property: Id(2)] string Reason,
                                     [property: Id(3)] DateTimeOffset Now);

[GenerateSerializer, Immutable, Alias("julia.PoolMove")]
public sealed record PoolMove([property: Id(0)] string From, [property: Id(1)] string To, [property: Id(2)] string Action,
                              [property: Id(3)] string Reason, [property: Id(4)] DateTimeOffset Now);

/// <param name="Outcome">done, not_found, invalid_transition (the chip's <paramref name="Status"/> does not allow it) or concurrent_change; for a registration done, exists or invalid_status.</param>
[GenerateSerializer, Immutable, Alias("julia.StatusChanged")]
public sealed record StatusChanged([property: Id(0)] string Outcome, [property: Id(1)] string? Status);

/// <param name="Factors">The score's factors as JSON (kept in trust_log).</param>
[GenerateSerializer, Immutable, Alias("julia.TrustChange")]
public sealed record TrustChange([property: Id(0)] int Score, [property: Id(1)] string Level, [property: Id(2)] string Factors,
                                 [property: Id(3)] string Cause, [property: Id(4)] DateTimeOffset Now);

/// <summary>The chip as selection ranks it (wire form; the rules use Julia.Domain's ChipSummary).</summary>
[GenerateSerializer, Immutable, Alias("julia.ChipView")]
public sealed record ChipView(
    [property: Id(0)] long Id, [property: Id(1)] string Phone, [property: Id(2)] string Instance, [property: Id(3)] int Ddd,
    [property: Id(4)] string Status, [property: Id(5)] int TrustScore, [property: Id(6)] int Stage, [property: Id(7)] bool Connected,
    [property: Id(8)] DateTimeOffset? CooldownUntil, [property: Id(9)] string Breaker, [property: Id(10)] DateTimeOffset? BreakerUntil,
    [property: Id(11)] DateTimeOffset? LastSentAt, [property: Id(12)] DateTimeOffset? HourBucket, [property: Id(13)] int SentThisHour,
    [property: Id(14)] DateOnly? DayBucket, [property: Id(15)] int SentToday);

/// <param name="RequestId">Repeats of one request carry the same id.</param>
/// <param name="Repeat">The caller is asking again because an earlier answer to this request was lost (a timeout, a dead node): it may have been granted, perhaps by another activation.</param>
/// <param name="Planned">The copy of the chip the selection ranked; <paramref name="PerHour"/>, <paramref name="PerDay"/> and <paramref name="MinGap"/> are its limits.</param>
/// <param name="Decision">What the chip records with the charge, in the same write.</param>
[GenerateSerializer, Immutable, Alias("julia.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] string RequestId, [property: Id(1)] ChipView Planned, [property: Id(2)] int PerHour, [property: Id(3)] int PerDay,
    [property: Id(4)] TimeSpan MinGap, [property: Id(5)] DateTimeOffset Now, [property: Id(6)] DateOnly Day, [property: Id(7)] Decision Decision,
    [property: Id(8)] bool Repeat = false);

/// <summary>
/// The selection decision a reservation is recorded with: the contact, the kind, how the chip was chosen,
/// and the node that decided (the one that took the request, wherever the chip's grain runs).
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.Decision")]
public sealed record Decision(
    [property: Id(0)] string Contact, [property: Id(1)] string Kind, [property: Id(2)] bool Affinity, [property: Id(3)] int Candidates,
    [property: Id(4)] IReadOnlyDictionary<string, int> Excluded, [property: Id(5)] bool Fallback, [property: Id(6)] string? MigrationReason,
    [property: Id(7)] string Node);

/// <summary>What a granted reservation recorded: its audit row and the contact's conversation.</summary>
[GenerateSerializer, Immutable, Alias("julia.Recorded")]
public sealed record Recorded(
    [property: Id(0)] long SelectionId, [property: Id(1)] string Reason, [property: Id(2)] long ConversationId,
    [property: Id(3)] long? PreviousChipId, [property: Id(4)] bool AnnouncementPending);

/// <summary>Reserved (with what it recorded), or why not; <see cref="Current"/> is the chip as it is now (to heal the caller's copy).</summary>
[GenerateSerializer, Immutable, Alias("julia.ReserveAnswer")]
public sealed record ReserveAnswer([property: Id(0)] bool Reserved, [property: Id(1)] string? Refusal, [property: Id(2)] ChipView Current,
                                   [property: Id(3)] Recorded? Recorded = null);
