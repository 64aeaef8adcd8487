using Julia.Domain.Selection;
using Julia.Domain.Sending;

namespace Julia.Domain.Tests;

/// <summary>Every outcome class, and every refusal kind, against the verdict and the chip-side effect.</summary>
public class SendPolicyTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);
    static readonly SendPolicy Policy = new(); // 3 chips, 2 s base delay
    static MessageFacts Message(int chipsTried = 0, int attempts = 1, double validHours = 24, string? lastError = null) =>
        new(attempts, chipsTried, Now.AddHours(validHours), lastError);

    // Jitter 0 gives the shortest backoff: half of base × 2^(n-1), capped.
    static SendVerdict Judge(SendOutcome outcome, SendConcern concerns, int chipsTried = 0) =>
        Policy.OnResult(new SendResult(outcome, concerns, outcome == SendOutcome.Sent ? "3EB0" : null, "418", "detail"), Message(chipsTried), Now, 0);

    [Theory]
    // outcome, concerns, chips tried before → step, status, reason, seconds until due again, effect on the chip
    [InlineData(SendOutcome.Sent, SendConcern.Chip, 0, SendStep.Done, null, null, null, ChipEffect.BreakerSuccess)]
    [InlineData(SendOutcome.RateLimited, SendConcern.Chip, 0, SendStep.Wait, null, "detail", 600, ChipEffect.Cooldown)]
    [InlineData(SendOutcome.RateLimited, SendConcern.Chip, 2, SendStep.Wait, null, "detail", 600, ChipEffect.Cooldown)] // waits, whatever was tried
    [InlineData(SendOutcome.SpamRestriction, SendConcern.Chip, 0, SendStep.Stop, "failed", "spam_restriction: detail", null, ChipEffect.Restrict)]
    [InlineData(SendOutcome.Permanent, SendConcern.Contact, 0, SendStep.Stop, "failed", "detail", null, ChipEffect.None)]
    [InlineData(SendOutcome.Permanent, SendConcern.Message, 0, SendStep.Stop, "failed", "detail", null, ChipEffect.None)]
    [InlineData(SendOutcome.Permanent, SendConcern.Chip, 0, SendStep.AnotherChip, null, "detail", 1, ChipEffect.BreakerFailure)]
    [InlineData(SendOutcome.Permanent, SendConcern.Chip, 2, SendStep.Stop, "failed", "failed on 3 chips; last: detail", null, ChipEffect.BreakerFailure)]
    [InlineData(SendOutcome.Transient, SendConcern.Chip, 0, SendStep.AnotherChip, null, "detail", 1, ChipEffect.BreakerFailure)]
    [InlineData(SendOutcome.Transient, SendConcern.Chip, 1, SendStep.AnotherChip, null, "detail", 2, ChipEffect.BreakerFailure)]
    // On the last chip a transient error waits for the gateway (attempt 1 + 1: 2 s × 2 × ½), not as a tried chip.
    [InlineData(SendOutcome.Transient, SendConcern.Chip, 2, SendStep.Wait, null, "detail", 2, ChipEffect.BreakerFailure)]
    // A result about the contact or the message leaves the chip as it is, whatever its class.
    [InlineData(SendOutcome.Transient, SendConcern.Message, 0, SendStep.AnotherChip, null, "detail", 1, ChipEffect.None)]
    [InlineData(SendOutcome.RateLimited, SendConcern.Contact, 0, SendStep.Wait, null, "detail", 600, ChipEffect.None)]
    public void Each_result_has_one_verdict_and_one_effect(SendOutcome outcome, SendConcern concerns, int chipsTried, SendStep step, string? status,
                                                             string? reason, int? dueInSeconds, ChipEffect effect)
    {
        var v = Judge(outcome, concerns, chipsTried);
        Assert.Equal((step, status, reason), (v.Step, v.Status, v.Reason));
        Assert.Equal(dueInSeconds is { } s ? Now.AddSeconds(s) : (DateTimeOffset?)null, v.At);
        Assert.Equal((true, (string?)null), (v.Logged, v.Note));
        Assert.Equal(effect, SendPolicy.EffectOn(new SendResult(outcome, concerns)));
    }

    [Fact]
    public void A_sent_message_counts_for_the_chip_whatever_the_concern() =>
        Assert.Equal(ChipEffect.BreakerSuccess, SendPolicy.EffectOn(new SendResult(SendOutcome.Sent, SendConcern.Message, "id")));

    [Fact]
    public void The_rate_limit_wait_is_the_chips_cooldown() =>
        Assert.Equal(Now + SendPolicy.RateLimitCooldown, Judge(SendOutcome.RateLimited, SendConcern.Chip).At);

    [Theory]
    [InlineData(1, 0.0, 1)]     // 2 s × ½
    [InlineData(1, 0.999, 1.999)]
    [InlineData(2, 0.0, 2)]
    [InlineData(9, 0.0, 30)]    // 2 s × 2^8 = 512 s, capped at a minute, × ½
    public void Another_chip_is_tried_after_a_jittered_backoff_of_at_most_a_minute(int chipsTried, double jitter, double seconds)
    {
        var policy = new SendPolicy { MaxChips = 10 };
        var v = policy.OnResult(new SendResult(SendOutcome.Transient, SendConcern.Chip, Detail: "x"), Message(chipsTried - 1), Now, jitter);
        Assert.Equal(SendStep.AnotherChip, v.Step);
        Assert.Equal(seconds, (v.At!.Value - Now).TotalSeconds, 3);
    }

    [Fact]
    public void The_configured_chip_limit_applies()
    {
        var one = new SendPolicy { MaxChips = 1 };
        Assert.Equal(("failed", "failed on 1 chips; last: x"),
            (one.OnResult(new SendResult(SendOutcome.Permanent, SendConcern.Chip, Detail: "x"), Message(), Now, 0).Status,
             one.OnResult(new SendResult(SendOutcome.Permanent, SendConcern.Chip, Detail: "x"), Message(), Now, 0).Reason));
    }

    [Fact]
    public void A_gateway_outage_on_the_last_chip_waits_no_longer_than_the_message_is_valid()
    {
        var outcome = SendOutcome.Transient;
        // Attempt 9: 2 s × 2^8 would be 512 s, capped at two minutes; the message is valid for one more minute.
        var v = Policy.OnResult(new SendResult(outcome, SendConcern.Chip, Detail: "x"), Message(chipsTried: 2, attempts: 9, validHours: 1.0 / 60), Now, 0.999);
        Assert.Equal((SendStep.Wait, Now.AddMinutes(1)), (v.Step, v.At));
        var longer = Policy.OnResult(new SendResult(outcome, SendConcern.Chip, Detail: "x"), Message(chipsTried: 2, attempts: 9), Now, 0.999);
        Assert.True(longer.At <= Now.AddMinutes(2) && longer.At > Now.AddMinutes(1), $"{longer.At}");
    }

    // Issue 23: a frozen gateway carried out sends the policy had already moved to another chip (137 sent twice). A timeout
    // is in doubt: sent nowhere, on any chip, until the gateway says; the breaker does not count it.
    [Theory]
    [InlineData(0)]
    [InlineData(2)] // on the last chip too: no wait-and-resend
    public void A_timeout_is_in_doubt_on_no_chip_until_the_wait_ends(int chipsTried)
    {
        var v = Judge(SendOutcome.Timeout, SendConcern.Chip, chipsTried);
        Assert.Equal((SendStep.InDoubt, (DateTimeOffset?)Now.AddMinutes(10), "in_doubt: detail", (string?)null), (v.Step, v.At, v.Reason, v.Status));
        Assert.Equal(("in doubt: the gateway did not answer; waiting for its confirmation before any new attempt", true), (v.Note, v.Logged));
        Assert.Equal(ChipEffect.BreakerNeutral, SendPolicy.EffectOn(new SendResult(SendOutcome.Timeout, SendConcern.Chip)));
    }

    [Fact]
    public void The_in_doubt_wait_is_configurable_and_never_past_the_validity()
    {
        var policy = new SendPolicy { InDoubtWait = TimeSpan.FromMinutes(3) };
        var timeout = new SendResult(SendOutcome.Timeout, SendConcern.Chip, Detail: "x");
        Assert.Equal(Now.AddMinutes(3), policy.OnResult(timeout, Message(), Now, 0).At);
        Assert.Equal(Now.AddMinutes(1), policy.OnResult(timeout, Message(validHours: 1.0 / 60), Now, 0).At);
    }

    // The gateway asked about a message in doubt: answer, chips tried before, minutes past the end of its validity → step, status, due in seconds.
    [Theory]
    [InlineData(LookupAnswer.Sent, 0, -60, SendStep.Done, null, null)]
    [InlineData(LookupAnswer.Sent, 0, 5, SendStep.Done, null, null)] // it went: settled even past its validity
    [InlineData(LookupAnswer.NotSent, 0, -60, SendStep.AnotherChip, null, 1)] // a failed attempt: another chip after a backoff
    [InlineData(LookupAnswer.NotSent, 2, -60, SendStep.Wait, null, 2)] // on the last chip, wait for the gateway
    [InlineData(LookupAnswer.NotSent, 0, 0, SendStep.Stop, "expired", null)] // never went, and too late to go
    [InlineData(LookupAnswer.Unknown, 0, -60, SendStep.InDoubt, null, 600)] // asked again after another wait
    [InlineData(LookupAnswer.Unknown, 0, -3, SendStep.InDoubt, null, 180)] // …never past the validity
    [InlineData(LookupAnswer.Unknown, 0, 0, SendStep.Stop, "failed", null)] // the validity ended in doubt: an explicit failure
    public void The_gateways_answer_settles_a_message_in_doubt(LookupAnswer answer, int chipsTried, int minutesPastEnd, SendStep step, string? status,
                                                               int? dueInSeconds)
    {
        var m = new MessageFacts(1, chipsTried, Now.AddMinutes(-minutesPastEnd), "in_doubt: no answer in time");
        var lookup = answer switch { LookupAnswer.Sent => SendLookup.Sent("3EB0"), LookupAnswer.NotSent => SendLookup.NotSent, _ => SendLookup.Unknown("503") };
        var v = Policy.OnLookup(lookup, m, Now, 0);
        Assert.Equal((step, status), (v.Step, v.Status));
        Assert.Equal(dueInSeconds is { } s ? Now.AddSeconds(s) : (DateTimeOffset?)null, v.At);
        if (status == "failed") Assert.StartsWith("in_doubt: ", v.Reason);
    }

    [Fact]
    public void A_gateway_that_still_cannot_say_is_noted_once_per_reason()
    {
        var first = Policy.OnLookup(SendLookup.Unknown("find messages answered 503"), Message(lastError: "in_doubt: no answer in time"), Now, 0);
        Assert.Equal(("in_doubt: find messages answered 503", true), (first.Reason, first.Logged));
        Assert.StartsWith("still in doubt (find messages answered 503); asking the gateway again at ", first.Note);
        Assert.False(Policy.OnLookup(SendLookup.Unknown("find messages answered 503"), Message(lastError: first.Reason), Now, 0).Logged);
    }

    [Theory]
    [InlineData(RefusalCodes.OptedOut)]
    [InlineData(RefusalCodes.Abroad)]
    [InlineData(RefusalCodes.NoLawfulBasis)]
    public void A_refusal_about_the_contact_blocks_the_message(string code)
    {
        var v = Policy.OnRefusal(code, Now.AddHours(1), Message(), Now, 0);
        Assert.Equal((SendStep.Stop, "blocked", code, (DateTimeOffset?)null), (v.Step, v.Status, v.Reason, v.At));
    }

    [Fact]
    public void Every_other_refusal_makes_the_message_wait_and_the_codes_split_in_two()
    {
        Assert.Equal(RefusalCodes.All.Order(), RefusalCodes.AboutContact.Concat(RefusalCodes.AboutPoolOrClock).Order());
        foreach (var code in RefusalCodes.AboutPoolOrClock)
        {
            Assert.False(RefusalCodes.IsAboutContact(code));
            Assert.Equal(SendStep.Wait, Policy.OnRefusal(code, null, Message(), Now, 0).Step);
        }
        Assert.All(RefusalCodes.AboutContact, c => Assert.True(RefusalCodes.IsAboutContact(c)));
    }

    [Fact]
    public void A_wait_goes_to_the_refusals_own_time_and_the_timeline_says_so_once()
    {
        var opens = Now.AddHours(3);
        var first = Policy.OnRefusal(RefusalCodes.OutsideWindow, opens, Message(), Now, 0);
        Assert.Equal((SendStep.Wait, RefusalCodes.OutsideWindow, (DateTimeOffset?)opens, true), (first.Step, first.Reason, first.At, first.Logged));
        Assert.Equal("waiting: outside_sending_window until 2026-11-23T18:00:00Z", first.Note);
        // The next pass, refused for the same reason: the timeline already says it.
        Assert.False(Policy.OnRefusal(RefusalCodes.OutsideWindow, opens, Message(lastError: RefusalCodes.OutsideWindow), Now, 0).Logged);
        Assert.True(Policy.OnRefusal(RefusalCodes.ChipBusy, opens, Message(lastError: RefusalCodes.OutsideWindow), Now, 0).Logged);
    }

    [Theory]
    [InlineData(1, 1)]     // 2 s × ½
    [InlineData(3, 4)]
    [InlineData(20, 60)]   // capped at two minutes, × ½
    public void Without_a_time_of_its_own_a_wait_backs_off_by_attempts(int attempts, double seconds) =>
        Assert.Equal(Now.AddSeconds(seconds), Policy.OnRefusal(RefusalCodes.NoEligibleChip, null, Message(attempts: attempts), Now, 0).At);

    [Fact]
    public void A_wait_never_goes_past_the_messages_validity()
    {
        var v = Policy.OnRefusal(RefusalCodes.DailyLimit, Now.AddDays(2), Message(validHours: 1), Now, 0);
        Assert.Equal(Now.AddHours(1), v.At);
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(0, "expired")] // at the end itself it has ended
    [InlineData(1, "expired")]
    public void A_message_past_its_validity_is_not_sent(int secondsPastEnd, string? status)
    {
        var m = Message(validHours: 0);
        var v = SendPolicy.BeforeSend(m, Now.AddSeconds(secondsPastEnd));
        Assert.Equal(status, v?.Status);
        if (v is not null) Assert.Equal((SendStep.Stop, "validity ended"), (v.Step, v.Reason));
    }
}
