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
/// <item>Otherwise (a timeout, a transient error, a permanent problem of this chip): another chip after a backoff, at
/// most <see cref="MaxChips"/> chips; a failure counts against the breaker, a timeout does not. On the last chip a
/// timeout or transient error waits for the gateway (until the message expires); a permanent one fails.</item>
/// </list>
/// </summary>
public sealed record SendPolicy
{
    public const int DefaultMaxChips = 3;
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromSeconds(2);

    /// <summary>How long a rate-limited chip rests before it may send again (its cooldown).</summary>
    public static readonly TimeSpan RateLimitCooldown = TimeSpan.FromMinutes(10);

    static readonly TimeSpan MaxChipDelay = TimeSpan.FromMinutes(1), MaxWaitDelay = TimeSpan.FromMinutes(2);

    /// <summary>Different chips one message may try before it fails.</summary>
    public int MaxChips { get; init; } = DefaultMaxChips;

    /// <summary>The first retry's delay, doubled per try (up to a minute before another chip, two minutes of waiting for one).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = DefaultRetryBaseDelay;

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
            default:
                int tried = m.ChipsTried + 1;
                if (tried < MaxChips)
                    return SendVerdict.AnotherChipAfter(now + Backoff.For(tried, RetryBaseDelay, MaxChipDelay, jitter01), r.Detail);
                if (r.Outcome is SendOutcome.Transient or SendOutcome.Timeout)
                {
                    // The gateway itself may be down (every chip fails alike): on its last chip the message waits for it,
                    // not as a tried chip, until it expires, instead of failing after a few minutes (deploy/check's
                    // two-minute gateway outage failed 48 of 600 messages before this).
                    var at = now + Backoff.For(m.Attempts + 1, RetryBaseDelay, MaxWaitDelay, jitter01);
                    return SendVerdict.WaitUntil(at < m.ExpiresAt ? at : m.ExpiresAt, r.Detail);
                }
                return SendVerdict.StopWith("failed", $"failed on {MaxChips} chips; last: {r.Detail}");
        }
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
