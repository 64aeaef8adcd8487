using Julia.Domain.Sending;

namespace Julia.Providers.Meta;

/// <summary>
/// Meta's error codes and what each asks of us, classified by <c>error.code</c> and never by HTTP status: rate limits
/// come back as 400 and transient errors as 500 (spec §3.2–3.3). Every code the spec lists has one row. How the rows
/// land in today's send policy:
/// <list type="bullet">
/// <item><see cref="MetaAction.RetryLater"/>: Transient about the chip (another number after a backoff, the breaker
/// counts), except the pair rate (131056), which is RateLimited about the contact: the chip is not penalised.</item>
/// <item><see cref="MetaAction.CoolChip"/>: RateLimited about the chip (it cools down; the message waits).</item>
/// <item><see cref="MetaAction.PauseChip"/>: Permanent about the chip, except the spam rate limit (131048), a
/// quality signal: SpamRestriction, so the chip stops and nothing is routed around it.</item>
/// <item><see cref="MetaAction.TripPoolGate"/>: SpamRestriction about the chip (the chip stops, the pool gate trips,
/// an alert goes out).</item>
/// <item><see cref="MetaAction.StopForContact"/>, <see cref="MetaAction.StopForTemplate"/>: Permanent about the
/// contact or the message: it fails, no number would do better.</item>
/// </list>
/// </summary>
public static class MetaErrors
{
    static MetaErrorRule Retry(string meaning) => new(MetaAction.RetryLater, SendOutcome.Transient, SendConcern.Chip, meaning);
    static MetaErrorRule Cool(string meaning) => new(MetaAction.CoolChip, SendOutcome.RateLimited, SendConcern.Chip, meaning);
    static MetaErrorRule Pause(string meaning) => new(MetaAction.PauseChip, SendOutcome.Permanent, SendConcern.Chip, meaning);
    static MetaErrorRule Gate(string meaning) => new(MetaAction.TripPoolGate, SendOutcome.SpamRestriction, SendConcern.Chip, meaning);
    static MetaErrorRule Contact(string meaning) => new(MetaAction.StopForContact, SendOutcome.Permanent, SendConcern.Contact, meaning);
    static MetaErrorRule Message(string meaning) => new(MetaAction.StopForContact, SendOutcome.Permanent, SendConcern.Message, meaning);
    static MetaErrorRule Template(string meaning) => new(MetaAction.StopForTemplate, SendOutcome.Permanent, SendConcern.Message, meaning);

    /// <summary>The table (spec §3.3), by code. 200–299 (permissions) are one row, read by <see cref="Rule"/>.</summary>
    public static readonly IReadOnlyDictionary<int, MetaErrorRule> Table = new Dictionary<int, MetaErrorRule>
    {
        [130429] = Cool("throughput limit hit"),
        [131056] = new(MetaAction.RetryLater, SendOutcome.RateLimited, SendConcern.Contact,
                       "pair rate limit hit (this number to this doctor); same number after >= 6 s"),
        [80007] = Cool("WABA API-call limit hit"),
        [4] = Cool("app API-call limit hit"),
        [131057] = Cool("number in maintenance (throughput upgrade)"),
        [131000] = Retry("unknown error"),
        [131016] = Retry("service unavailable"),
        [2] = Retry("service temporarily unavailable"),
        [133004] = Retry("server temporarily unavailable"),
        [131047] = Contact("more than 24 h since the doctor wrote to this number: template required"),
        [131026] = Contact("undeliverable to this doctor"),
        [131049] = Contact("per-user marketing limit: not before 24 h"),
        [131050] = Contact("doctor stopped marketing messages"),
        [130472] = Message("doctor in a Meta experiment: this message not sent"),
        [130497] = Contact("business barred from the doctor's country"),
        [131048] = new(MetaAction.PauseChip, SendOutcome.SpamRestriction, SendConcern.Chip, "spam rate limit: number paused for business-initiated messages"),
        [368] = Gate("temporarily blocked for policy violations"),
        [131031] = Gate("account locked"),
        [131042] = Gate("payment or eligibility problem"),
        [131064] = Gate("portfolio limit reached after template misclassification"),
        [190] = Pause("access token expired or invalid"),
        [0] = Pause("authentication failed"),
        [10] = Pause("permission denied"),
        [133010] = Pause("number not registered"),
        [131045] = Pause("number's certificate invalid: register again"),
        [131037] = Pause("number needs an approved display name"),
        [100] = Message("invalid parameter"),
        [131008] = Message("required parameter missing"),
        [131009] = Message("parameter value invalid"),
        [131021] = Contact("recipient is the sender itself"),
        [131051] = Message("message type not supported"),
        [131053] = Message("media upload failed"),
        [131062] = Contact("recipient by business-scoped user id not supported"),
        [131063] = Template("marketing messages disabled on the Cloud API"),
        [132000] = Template("template parameter count mismatch"),
        [132005] = Template("template text too long after parameters"),
        [132007] = Template("template content against policy"),
        [132012] = Template("template parameter format mismatch"),
        [132018] = Template("template parameters invalid"),
        [132001] = Template("template missing in this language or not approved"),
        [132015] = Template("template paused"),
        [132016] = Template("template disabled"),
        [137000] = Contact("identity hash mismatch"),
    };

    static readonly MetaErrorRule Permission = Pause("permission denied (the system user lacks the asset)");

    /// <summary>The code's row; null for a code the table does not know.</summary>
    public static MetaErrorRule? Rule(int code) =>
        Table.TryGetValue(code, out var rule) ? rule : code is >= 200 and <= 299 ? Permission : null;

    /// <summary>
    /// A Meta error, read by its code; <paramref name="httpStatus"/> only for an answer without one. A code the table does
    /// not know is a problem of this chip (another number may try, the breaker counts), transient when the HTTP status
    /// says the server failed; a 429 without a code is a rate limit.
    /// </summary>
    public static SendResult Classify(int? code, string? details, int httpStatus)
    {
        if (code is { } c && Rule(c) is { } rule) return rule.Result(c, details);
        var text = details is { Length: > 300 } d ? d[..300] : details;
        var shown = code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (code is null && httpStatus == 429) return Cool("rate limited (HTTP 429)").Result(429, details);
        var outcome = httpStatus >= 500 || httpStatus == 408 ? SendOutcome.Transient : SendOutcome.Permanent;
        return new SendResult(outcome, SendConcern.Chip, null, shown, $"{shown} unclassified Meta error (HTTP {httpStatus}): {text}".TrimEnd(' ', ':'));
    }
}
