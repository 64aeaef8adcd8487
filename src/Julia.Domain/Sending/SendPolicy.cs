using Julia.Domain.Selection;

namespace Julia.Domain.Sending;

/// <summary>
/// What a send's result means for the message (the verdict) and for the chip that sent it (the effect), and what a
/// refused selection means for the message. Pure: values, a time and a jitter in, a decision out. The chip's grain
/// applies the effect and answers the verdict in one call; the outbox worker carries the verdict out.
/// <list type="bullet">
/// <item>Sent: done; the breaker counts a success.</item>
/// <item>Rate limited: the chip cools down for <see cref="RateLimitCooldown"/> and the message waits as long (for any chip).</item>
/// <item>Spam or restriction: the chip stops and the message fails; it is not routed to another number (policy).</item>
/// <item>A permanent problem of the contact or the message: it fails; no number would do better.</item>
/// <item>A timeout: the message is in doubt (the gateway may have sent it, and has no idempotency key), so it is sent
/// nowhere until the gateway's own word settles it, or, after <see cref="InDoubtWait"/>, the gateway is asked
/// (<see cref="OnLookup"/>). The breaker does not count it. deploy/check's frozen gateway sent 137 messages twice when a
/// timeout meant "another chip".</item>
/// <item>Otherwise (a transient error, a permanent problem of this chip): another chip after a backoff, at most
/// <see cref="MaxChips"/> chips; the breaker counts a failure. On the last chip a transient error waits for the gateway
/// (until the message expires); a permanent one fails.</item>
/// </list>
/// </summary>
public sealed record SendPolicy
{
    public const int DefaultMaxChips = 3;
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultInDoubtWait = TimeSpan.FromMinutes(10);

    /// <summary>The code a message in doubt ends failed with when its validity ends before the gateway said whether it went.</summary>
    public const string InDoubtCode = "in_doubt";

    /// <summary>The timeline's words when a send goes in doubt.</summary>
    public const string InDoubtNote = "in doubt: the gateway did not answer; waiting for its confirmation before any new attempt";

    /// <summary>How long a rate-limited chip rests before it may send again (its cooldown).</summary>
    public static readonly TimeSpan RateLimitCooldown = TimeSpan.FromMinutes(10);

    static readonly TimeSpan MaxChipDelay = TimeSpan.FromMinutes(1), MaxWaitDelay = TimeSpan.FromMinutes(2);

    /// <summary>Different chips one message may try before it fails.</summary>
    public int MaxChips { get; init; } = DefaultMaxChips;

    /// <summary>The first retry's delay, doubled per try (up to a minute before another chip, two minutes of waiting for one).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = DefaultRetryBaseDelay;

    /// <summary>
    /// How long a message in doubt waits for the gateway's own word (its echo of the send, a status naming our id) before the
    /// gateway is asked, and between two questions it could not answer.
    /// </summary>
    public TimeSpan InDoubtWait { get; init; } = DefaultInDoubtWait;

    /// <summary>A message whose validity ended is not sent: null while it may still go.</summary>
    public static SendVerdict? BeforeSend(MessageFacts m, DateTimeOffset now) =>
        now >= m.ExpiresAt ? SendVerdict.StopWith("expired", "validity ended") : null;

    /// <summary>What the result does to the chip that sent it.</summary>
    public static ChipEffect EffectOn(SendResult r) => r switch
    {
        { Outcome: SendOutcome.Sent } => ChipEffect.BreakerSuccess,
        { Concerns: not SendConcern.Chip } => ChipEffect.None,
        { Outcome: SendOutcome.Timeout } => ChipEffect.BreakerNeutral,
        { Outcome: SendOutcome.RateLimited } => ChipEffect.Cooldown,
        { Outcome: SendOutcome.SpamRestriction } => ChipEffect.Restrict,
        _ => ChipEffect.BreakerFailure,
    };

    /// <param name="jitter01">A random number in [0, 1) that spreads retries.</param>
    public SendVerdict OnResult(SendResult r, MessageFacts m, DateTimeOffset now, double jitter01)
    {
        switch (r.Outcome)
        {
            case SendOutcome.Sent:
                return SendVerdict.Done;
            case SendOutcome.RateLimited:
                return SendVerdict.WaitUntil(now + RateLimitCooldown, r.Detail);
            case SendOutcome.SpamRestriction:
                return SendVerdict.StopWith("failed", "spam_restriction: " + r.Detail);
            case SendOutcome.Permanent when r.Concerns != SendConcern.Chip:
                return SendVerdict.StopWith("failed", r.Detail);
            case SendOutcome.Timeout:
                return SendVerdict.InDoubtUntil(Capped(now + InDoubtWait, m), $"{InDoubtCode}: {r.Detail}", InDoubtNote);
            default:
                return Retry(r.Outcome == SendOutcome.Transient, r.Detail, m, now, jitter01);
        }
    }

    /// <summary>
    /// A message in doubt, once the gateway was asked (<see cref="LookupAnswer"/>): sent settles it; not sent is a failed
    /// attempt like a transient error (another chip after a backoff, or on the last chip a wait); a gateway that cannot say
    /// keeps it in doubt, asked again after <see cref="InDoubtWait"/>, until its validity ends, when it fails with
    /// <see cref="InDoubtCode"/>. It is never sent again blindly: a doctor who gets the same message twice is worse off than an
    /// agent who sees an explicit failure.
    /// </summary>
    public SendVerdict OnLookup(SendLookup answer, MessageFacts m, DateTimeOffset now, double jitter01)
    {
        switch (answer.Answer)
        {
            case LookupAnswer.Sent:
                return SendVerdict.Done;
            case LookupAnswer.NotSent:
                return BeforeSend(m, now) ?? Retry(transient: true, "not sent: the gateway has no such message", m, now, jitter01);
            default:
                if (now >= m.ExpiresAt)
                    return SendVerdict.StopWith("failed", $"{InDoubtCode}: validity ended before the gateway said whether it was sent; not sent again");
                var reason = $"{InDoubtCode}: {answer.Detail ?? "the gateway cannot say"}";
                var at = Capped(now + InDoubtWait, m);
                var note = $"still in doubt ({answer.Detail}); asking the gateway again at {at.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";
                return SendVerdict.InDoubtUntil(at, reason, note,
                    logged: m.LastError != reason);
        }
    }

    static DateTimeOffset Capped(DateTimeOffset at, MessageFacts m) => at < m.ExpiresAt ? at : m.ExpiresAt;

    /// <summary>A failed attempt on this chip: another chip after a backoff, at most <see cref="MaxChips"/>.</summary>
    SendVerdict Retry(bool transient, string? detail, MessageFacts m, DateTimeOffset now, double jitter01)
    {
        int tried = m.ChipsTried + 1;
        if (tried < MaxChips)
            return SendVerdict.AnotherChipAfter(now + Backoff.For(tried, RetryBaseDelay, MaxChipDelay, jitter01), detail);
        if (transient)
        {
            // The gateway itself may be down (every chip fails alike): on its last chip the message waits for it,
            // not as a tried chip, until it expires, instead of failing after a few minutes (deploy/check's
            // two-minute gateway outage failed 48 of 600 messages before this).
            var at = now + Backoff.For(m.Attempts + 1, RetryBaseDelay, MaxWaitDelay, jitter01);
            return SendVerdict.WaitUntil(Capped(at, m), detail);
        }
        return SendVerdict.StopWith("failed", $"failed on {MaxChips} chips; last: {detail}");
    }

    /// <summary>
    /// A refused selection: a refusal about the contact blocks the message; any other (pacing, the window, the gate,
    /// no chip free now) makes it wait, not as an attempt, until the refusal's own retry time or a backoff, and never
    /// past its validity. The timeline says why once, when the reason changes, not on every pass.
    /// </summary>
    public SendVerdict OnRefusal(string code, DateTimeOffset? retryAt, MessageFacts m, DateTimeOffset now, double jitter01)
    {
        if (RefusalCodes.IsAboutContact(code)) return SendVerdict.StopWith("blocked", code);
        var at = retryAt ?? now + Backoff.For(Math.Max(1, m.Attempts), RetryBaseDelay, MaxWaitDelay, jitter01);
        if (at >= m.ExpiresAt) at = m.ExpiresAt;
        return SendVerdict.WaitUntil(at, code, $"waiting: {code} until {at.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}", logged: m.LastError != code);
    }
}
