using Julia.Domain.Sending;
using Julia.Providers.Meta;

namespace Julia.Providers.Tests;

/// <summary>
/// Meta's error table (spec §3.3) over every code the spec lists: each maps to one action, and the action lands in the
/// send policy as it should, whatever HTTP status the code came with (rate limits are 400, transient errors 500).
/// </summary>
public class MetaErrorTests
{
    /// <summary>The spec's table, written out again here: a code missing from <see cref="MetaErrors.Table"/> or moved fails.</summary>
    public static TheoryData<int, MetaAction, int> Spec() => new()
    {
        { 130429, MetaAction.CoolChip, 400 }, { 131056, MetaAction.RetryLater, 400 }, { 80007, MetaAction.CoolChip, 400 },
        { 4, MetaAction.CoolChip, 400 }, { 131057, MetaAction.CoolChip, 500 },
        { 131000, MetaAction.RetryLater, 500 }, { 131016, MetaAction.RetryLater, 500 }, { 2, MetaAction.RetryLater, 503 },
        { 133004, MetaAction.RetryLater, 503 },
        { 131047, MetaAction.StopForContact, 400 }, { 131026, MetaAction.StopForContact, 400 }, { 131049, MetaAction.StopForContact, 400 },
        { 131050, MetaAction.StopForContact, 400 }, { 130472, MetaAction.StopForContact, 400 }, { 130497, MetaAction.StopForContact, 403 },
        { 131048, MetaAction.PauseChip, 400 }, { 368, MetaAction.TripPoolGate, 403 }, { 131031, MetaAction.TripPoolGate, 403 },
        { 131042, MetaAction.TripPoolGate, 400 },
        { 190, MetaAction.PauseChip, 401 }, { 0, MetaAction.PauseChip, 401 }, { 10, MetaAction.PauseChip, 403 },
        { 200, MetaAction.PauseChip, 403 }, { 250, MetaAction.PauseChip, 403 }, { 299, MetaAction.PauseChip, 403 },
        { 133010, MetaAction.PauseChip, 400 }, { 131045, MetaAction.PauseChip, 500 }, { 131037, MetaAction.PauseChip, 400 },
        { 100, MetaAction.StopForContact, 400 }, { 131008, MetaAction.StopForContact, 400 }, { 131009, MetaAction.StopForContact, 400 },
        { 131021, MetaAction.StopForContact, 400 }, { 131051, MetaAction.StopForContact, 400 }, { 131053, MetaAction.StopForContact, 400 },
        { 132000, MetaAction.StopForTemplate, 400 }, { 132005, MetaAction.StopForTemplate, 400 }, { 132007, MetaAction.StopForTemplate, 400 },
        { 132012, MetaAction.StopForTemplate, 400 }, { 132018, MetaAction.StopForTemplate, 400 }, { 132001, MetaAction.StopForTemplate, 404 },
        { 132015, MetaAction.StopForTemplate, 400 }, { 132016, MetaAction.StopForTemplate, 400 },
        { 131062, MetaAction.StopForContact, 400 }, { 131063, MetaAction.StopForTemplate, 400 }, { 131064, MetaAction.TripPoolGate, 400 },
        { 137000, MetaAction.StopForContact, 400 },
    };

    [Theory, MemberData(nameof(Spec))]
    public void Every_code_has_its_action_whatever_the_http_status(int code, MetaAction action, int http)
    {
        var rule = MetaErrors.Rule(code);
        Assert.NotNull(rule);
        Assert.Equal(action, rule!.Action);
        // The same code over any HTTP status: the code decides.
        foreach (var status in new[] { http, 400, 500, 200 })
        {
            var r = MetaErrors.Classify(code, "details", status);
            Assert.Equal((rule.Outcome, rule.Concerns), (r.Outcome, r.Concerns));
            Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Code);
        }
    }

    [Fact]
    public void The_table_has_no_row_the_spec_does_not()
    {
        var spec = Spec().Select(row => (int)row[0]).ToHashSet();
        Assert.All(MetaErrors.Table.Keys, k => Assert.Contains(k, spec));
    }

    /// <summary>What each action does in the send policy: the one place where a Meta code turns into a chip's fate.</summary>
    [Theory, MemberData(nameof(Spec))]
    public void Each_action_lands_in_the_send_policy_as_it_should(int code, MetaAction action, int http)
    {
        var r = MetaErrors.Classify(code, null, http);
        var effect = SendPolicy.EffectOn(r);
        var now = DateTimeOffset.Parse("2026-12-06T10:00:00Z");
        var verdict = new SendPolicy().OnResult(r, new MessageFacts(1, 0, now.AddHours(1)), now, 0.5);
        switch (action)
        {
            case MetaAction.RetryLater when code == 131056:
                // The pair rate is about this doctor on this number: no penalty for the chip, the message waits.
                Assert.Equal((ChipEffect.None, SendStep.Wait), (effect, verdict.Step));
                break;
            case MetaAction.RetryLater:
                Assert.Equal((ChipEffect.BreakerFailure, SendStep.AnotherChip), (effect, verdict.Step));
                break;
            case MetaAction.CoolChip:
                Assert.Equal((ChipEffect.Cooldown, SendStep.Wait), (effect, verdict.Step));
                break;
            case MetaAction.PauseChip when code == 131048:
            case MetaAction.TripPoolGate:
                // A quality or account signal stops the chip and the message: never routed around.
                Assert.Equal((ChipEffect.Restrict, SendStep.Stop), (effect, verdict.Step));
                break;
            case MetaAction.PauseChip:
                Assert.Equal((ChipEffect.BreakerFailure, SendStep.AnotherChip), (effect, verdict.Step));
                break;
            case MetaAction.StopForContact:
            case MetaAction.StopForTemplate:
                Assert.Equal((ChipEffect.None, SendStep.Stop, "failed"), (effect, verdict.Step, verdict.Status));
                break;
        }
    }

    [Theory]
    [InlineData(null, 429, SendOutcome.RateLimited)]
    [InlineData(null, 500, SendOutcome.Transient)]
    [InlineData(null, 400, SendOutcome.Permanent)]
    [InlineData(999999, 503, SendOutcome.Transient)]
    [InlineData(999999, 400, SendOutcome.Permanent)]
    public void A_code_the_table_does_not_know_falls_back_on_the_http_status(int? code, int http, SendOutcome outcome)
    {
        var r = MetaErrors.Classify(code, "x", http);
        Assert.Equal((outcome, SendConcern.Chip), (r.Outcome, r.Concerns));
    }
}
