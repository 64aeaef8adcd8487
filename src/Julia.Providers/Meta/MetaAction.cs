namespace Julia.Providers.Meta;

/// <summary>
/// What one Meta error code asks of us (spec §3.3), before it is put into the send policy's words
/// (<see cref="MetaErrorRule.Result"/>).
/// </summary>
public enum MetaAction
{
    /// <summary>Nothing wrong with the number or the doctor: the same send may go again later (transient errors, the pair rate).</summary>
    RetryLater,
    /// <summary>The number asked to slow down (throughput, API-call limits, maintenance): it rests, with no health penalty.</summary>
    CoolChip,
    /// <summary>This number cannot send until something is fixed or a restriction ends (not registered, token, spam rate limit).</summary>
    PauseChip,
    /// <summary>The account (WABA, portfolio) is restricted or locked: the pool gate trips and operators are alerted.</summary>
    TripPoolGate,
    /// <summary>This doctor cannot get this message from any of our numbers (window closed, unreachable, opted out of marketing).</summary>
    StopForContact,
    /// <summary>This template cannot go (missing, paused, disabled, its parameters wrong): no number would do better.</summary>
    StopForTemplate,
}
