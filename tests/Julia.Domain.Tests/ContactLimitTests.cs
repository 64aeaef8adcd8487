using Julia.Domain.Contacts;
using Julia.Domain.Pool;
using Julia.Domain.Selection;

namespace Julia.Domain.Tests;

public class ContactLimitTests
{
    static readonly TimeSpan Sp = TimeSpan.FromHours(-3);
    static readonly DateTimeOffset MondayNoon = new(2026, 11, 23, 12, 0, 0, Sp);
    static readonly SendingWindow Window = new();
    static readonly ContactLimits Defaults = new();

    static MessageKind K(char c) => c switch { 'P' => MessageKind.Prospecting, 'F' => MessageKind.Followup, _ => MessageKind.Reply };

    /// <summary>The daily limit alone: the frequency cap is kept out of the way by a reply from the contact just now.</summary>
    static string? Daily(string sentToday, char asked, DateTimeOffset now, ContactLimits? limits = null, IReadOnlySet<string>? overridden = null)
    {
        limits ??= Defaults;
        var sent = sentToday.Select((c, i) => new BusinessMessage(now.AddMinutes(-10 + i), K(c))).ToList();
        var facts = new ContactFacts(true, true, null, now, 0, BusinessMessages.WeightToday(sent, now, Window, limits));
        return Guardrails.Decide(K(asked), facts, false, Window, now, limits: limits, overridden: overridden).Refusal?.Code;
    }

    [Theory]
    [InlineData("", 'F', null)]
    [InlineData("FF", 'F', null)]
    [InlineData("FFF", 'F', "contact_daily_limit")] // the 4th business message of the day
    [InlineData("P", 'F', null)]                     // 2 + 1 = 3
    [InlineData("P", 'P', "contact_daily_limit")]    // 2 + 2 = 4
    [InlineData("PF", 'F', "contact_daily_limit")]
    [InlineData("FF", 'P', "contact_daily_limit")]
    [InlineData("F", 'P', null)]
    [InlineData("FFF", 'R', null)]                   // replies answer the doctor: never limited
    [InlineData("FFRRRR", 'F', null)]                // and never counted
    public void Daily_limit_counts_prospecting_double_and_replies_not_at_all(string sent, char asked, string? expected) =>
        Assert.Equal(expected, Daily(sent, asked, MondayNoon));

    [Theory]
    [InlineData("2026-11-24T02:59:59Z", 3)] // still Monday 23:59:59 in São Paulo
    [InlineData("2026-11-24T03:00:00Z", 0)] // Tuesday 00:00 in São Paulo: a new day
    [InlineData("2026-11-23T03:00:00Z", 3)] // Monday 00:00: the same day as messages sent at 02:59:59 UTC on Tuesday
    [InlineData("2026-11-23T02:59:59Z", 0)] // Sunday 23:59:59 (the clock jumped back a day)
    public void The_day_is_the_Sao_Paulo_day(string now, int weight)
    {
        var sentAt = DateTimeOffset.Parse("2026-11-24T02:59:59Z");
        BusinessMessage[] sent = [new(sentAt, MessageKind.Followup), new(sentAt.AddHours(-1), MessageKind.Prospecting)];
        Assert.Equal(weight, BusinessMessages.WeightToday(sent, DateTimeOffset.Parse(now), Window, Defaults));
    }

    [Fact]
    public void A_message_at_03_00_UTC_counts_for_the_new_day_only()
    {
        var midnight = DateTimeOffset.Parse("2026-11-24T03:00:00Z");
        BusinessMessage[] sent = [new(midnight, MessageKind.Prospecting)];
        Assert.Equal(2, BusinessMessages.WeightToday(sent, midnight.AddHours(20), Window, Defaults));
        Assert.Equal(0, BusinessMessages.WeightToday(sent, midnight.AddTicks(-1), Window, Defaults));
    }

    [Fact]
    public void A_clock_that_jumps()
    {
        // Three follow-ups at Monday noon; then the clock jumps.
        BusinessMessage[] sent = [.. Enumerable.Range(0, 3).Select(i => new BusinessMessage(MondayNoon.AddMinutes(i), MessageKind.Followup))];
        string? At(DateTimeOffset now) => Guardrails.Check(MessageKind.Followup,
            new ContactFacts(true, true, null, now, 0, BusinessMessages.WeightToday(sent, now, Window, Defaults)), false, Window, now)?.Code;

        Assert.Equal("contact_daily_limit", At(MondayNoon.AddHours(5)));
        Assert.Null(At(MondayNoon.AddDays(1)));                  // forward a day: a new day
        Assert.Equal("contact_daily_limit", At(MondayNoon.AddHours(-3))); // back, before the messages but the same day: they still count
        Assert.Null(At(MondayNoon.AddDays(7)));                  // a week on: a Monday again, another day
    }

    [Fact]
    public void The_refusal_says_when_to_try_again()
    {
        var monday = Guardrails.Check(MessageKind.Followup, new ContactFacts(true, true, null, null, 0, 3), false, Window, MondayNoon)!;
        Assert.Equal("contact_daily_limit", monday.Code);
        // São Paulo midnight is 03:00 UTC, but the window then is closed: it opens at 08:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, Sp), monday.RetryAt);

        var friday = Guardrails.Check(MessageKind.Followup, new ContactFacts(true, true, null, null, 0, 3), false, Window, MondayNoon.AddDays(4))!;
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, Sp), friday.RetryAt);

        // A window open from midnight: the retry is midnight itself, 03:00 UTC.
        var allDay = new SendingWindow { Start = new(0, 0), End = new(23, 59), Days = Enum.GetValues<DayOfWeek>() };
        var r = Guardrails.Check(MessageKind.Followup, new ContactFacts(true, true, null, null, 0, 3), false, allDay, MondayNoon)!;
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T03:00:00Z"), r.RetryAt);
    }

    [Fact]
    public void The_daily_limit_comes_after_the_window()
    {
        var saturday = new DateTimeOffset(2026, 11, 28, 12, 0, 0, Sp);
        var full = new ContactFacts(true, true, null, null, 5, 9);
        Assert.Equal("contact_frequency_cap", Guardrails.Check(MessageKind.Followup, full, false, Window, saturday)?.Code);
        Assert.Equal("outside_sending_window", Guardrails.Check(MessageKind.Followup, full with { UnansweredBusinessMessages = 0 }, false, Window, saturday)?.Code);
        Assert.Equal("contact_daily_limit", Guardrails.Check(MessageKind.Followup, full with { UnansweredBusinessMessages = 0 }, false, Window, MondayNoon)?.Code);
    }

    [Theory]
    [InlineData(5, 1, "PPPP", 'P', null)]
    [InlineData(5, 1, "PPPPP", 'P', "contact_daily_limit")]
    [InlineData(5, 3, "FF", 'P', null)]
    [InlineData(5, 3, "FFF", 'P', "contact_daily_limit")]
    [InlineData(1, 1, "", 'P', null)]
    [InlineData(1, 1, "F", 'F', "contact_daily_limit")]
    public void Configured_daily_limit(int limit, int weight, string sent, char asked, string? expected) =>
        Assert.Equal(expected, Daily(sent, asked, MondayNoon, new ContactLimits { DailyLimit = limit, ProspectingWeight = weight }));

    [Theory]
    [InlineData(3, 2, null)]
    [InlineData(3, 3, "contact_frequency_cap")]
    [InlineData(1, 1, "contact_frequency_cap")]
    [InlineData(1, 0, null)]
    public void Configured_frequency_cap(int cap, int unanswered, string? expected) =>
        Assert.Equal(expected, Guardrails.Check(MessageKind.Followup, new ContactFacts(true, true, null, null, unanswered), false, Window, MondayNoon,
            limits: new ContactLimits { FrequencyCap = cap, DailyLimit = 10 })?.Code);

    [Fact]
    public void Configured_frequency_days_and_a_reply_restart_the_count()
    {
        BusinessMessage[] sent = [new(MondayNoon.AddHours(-25), MessageKind.Followup), new(MondayNoon.AddHours(-2), MessageKind.Followup)];
        Assert.Equal(2, BusinessMessages.Unanswered(sent, null, MondayNoon, Defaults));
        Assert.Equal(1, BusinessMessages.Unanswered(sent, null, MondayNoon, new ContactLimits { FrequencyDays = 1 }));
        Assert.Equal(1, BusinessMessages.Unanswered(sent, MondayNoon.AddHours(-3), MondayNoon, Defaults));
    }

    [Theory]
    [InlineData(0, 7, 3, 2, "contacts.frequencyCap")]
    [InlineData(2, 0, 3, 2, "contacts.frequencyDays")]
    [InlineData(2, 31, 3, 2, "contacts.frequencyDays")]
    [InlineData(2, 7, 0, 1, "contacts.dailyLimit")]
    [InlineData(2, 7, 3, 0, "contacts.prospectingWeight")]
    [InlineData(2, 7, 3, 4, "contacts.prospectingWeight")]
    [InlineData(1, 30, 1, 1, null)]
    public void Pool_config_validates_the_contact_limits(int cap, int days, int daily, int weight, string? field)
    {
        var errors = new PoolConfig { Contacts = new() { FrequencyCap = cap, FrequencyDays = days, DailyLimit = daily, ProspectingWeight = weight } }.Validate();
        if (field is null) Assert.Empty(errors);
        else Assert.Contains(errors, e => e.StartsWith(field));
    }

    [Theory]
    [InlineData("contact_daily_limit")]
    [InlineData("contact_frequency_cap")]
    public void An_override_in_force_lifts_its_rule_and_says_so(string rule)
    {
        var facts = new ContactFacts(true, true, null, null, 2, 3);
        var v = Guardrails.Decide(MessageKind.Followup, facts, false, Window, MondayNoon, overridden: new HashSet<string> { rule });
        Assert.NotNull(v.Refusal); // the other rule still refuses
        var both = Guardrails.Decide(MessageKind.Followup, facts, false, Window, MondayNoon,
            overridden: new HashSet<string> { "contact_daily_limit", "contact_frequency_cap" });
        Assert.Null(both.Refusal);
        Assert.Equal(["contact_frequency_cap", "contact_daily_limit"], both.Overridden);
        // Not needed, not named: a contact under both limits passes without using the override.
        Assert.Empty(Guardrails.Decide(MessageKind.Followup, new ContactFacts(true, true, null, null, 0, 0), false, Window, MondayNoon,
            overridden: new HashSet<string> { rule }).Overridden);
    }

    [Theory]
    [InlineData("contact_opted_out")]
    [InlineData("no_lawful_basis")]
    [InlineData("prospecting_paused")]
    [InlineData("outside_sending_window")]
    public void Nothing_lifts_consent_the_law_the_gate_or_the_window(string rule)
    {
        var saturday = new DateTimeOffset(2026, 11, 28, 12, 0, 0, Sp);
        var lifted = new HashSet<string> { rule, "contact_daily_limit", "contact_frequency_cap" };
        Assert.Equal("contact_opted_out", Guardrails.Decide(MessageKind.Followup, new ContactFacts(true, true, MondayNoon, null, 0), false, Window, MondayNoon, overridden: lifted).Refusal?.Code);
        Assert.Equal("no_lawful_basis", Guardrails.Decide(MessageKind.Prospecting, new ContactFacts(true, false, null, null, 0), false, Window, MondayNoon, overridden: lifted).Refusal?.Code);
        Assert.Equal("prospecting_paused", Guardrails.Decide(MessageKind.Prospecting, new ContactFacts(true, true, null, null, 0), true, Window, MondayNoon, overridden: lifted).Refusal?.Code);
        Assert.Equal("outside_sending_window", Guardrails.Decide(MessageKind.Followup, new ContactFacts(true, true, null, null, 9, 9), false, Window, saturday, overridden: lifted).Refusal?.Code);
        Assert.Equal("override_not_allowed", ContactOverrides.Ends(rule, null, null, MondayNoon, Window).Code);
    }

    [Theory]
    [InlineData(null, null, 0, false, true)]    // until the end of today
    [InlineData(-1.0, null, 0, false, false)]  // past its end
    [InlineData(0.0, null, 0, false, false)]   // ends exactly now
    [InlineData(null, 2, 1, false, true)]      // one of two messages used
    [InlineData(null, 2, 2, false, false)]     // both used
    [InlineData(null, null, 0, true, false)]   // revoked
    public void Override_in_force_or_ended(double? hoursLeft, int? count, int used, bool revoked, bool inForce)
    {
        var until = hoursLeft is { } h ? MondayNoon.AddHours(h) : Window.NextLocalMidnight(MondayNoon);
        var o = new ContactOverride(7, ContactOverrides.DailyLimit, until, count, used, revoked ? MondayNoon.AddHours(-1) : null);
        Assert.Equal(inForce, o.InForce(MondayNoon));
        Assert.Equal(inForce, ContactOverrides.InForce([o], MondayNoon).ContainsKey(ContactOverrides.DailyLimit));
    }

    [Fact]
    public void The_override_ending_first_is_spent_first()
    {
        ContactOverride[] two = [new(1, ContactOverrides.DailyLimit, MondayNoon.AddDays(3), null, 0, null), new(2, ContactOverrides.DailyLimit, MondayNoon.AddHours(2), 1, 0, null)];
        Assert.Equal(2, ContactOverrides.InForce(two, MondayNoon)[ContactOverrides.DailyLimit]);
    }

    [Theory]
    [InlineData("contact_daily_limit", null, null, null)]
    [InlineData("contact_frequency_cap", 48.0, 3, null)]
    [InlineData("spam_check", null, null, "unknown_rule")]
    [InlineData(null, null, null, "unknown_rule")]
    [InlineData("contact_daily_limit", -0.001, null, "invalid_until")]
    [InlineData("contact_daily_limit", 0.0, null, "invalid_until")]
    [InlineData("contact_daily_limit", 24.0 * 31, null, "invalid_until")]
    [InlineData("contact_daily_limit", null, 0, "invalid_count")]
    public void What_an_override_may_ask(string? rule, double? hours, int? count, string? code)
    {
        var (until, error, _) = ContactOverrides.Ends(rule, hours is { } h ? MondayNoon.AddHours(h) : null, count, MondayNoon, Window);
        Assert.Equal(code, error);
        if (code is null)
            // By default it ends at the end of today in São Paulo: Tuesday 00:00, 03:00 UTC.
            Assert.Equal(hours is { } hh ? MondayNoon.AddHours(hh) : DateTimeOffset.Parse("2026-11-24T03:00:00Z"), until);
    }
}
