using Julia.Domain.Selection;

namespace Julia.Domain.Tests;

public class GuardrailTests
{
    static readonly DateTimeOffset MondayNoon = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(-3));
    static readonly DateTimeOffset Saturday = new(2026, 11, 28, 12, 0, 0, TimeSpan.FromHours(-3));
    static readonly ContactFacts Fine = new(true, true, null, null, 0);

    static string? Code(MessageKind k, ContactFacts c, bool paused = false, DateTimeOffset? now = null) =>
        Guardrails.Check(k, c, paused, new SendingWindow(), now ?? MondayNoon)?.Code;

    [Theory]
    [InlineData(MessageKind.Prospecting, "contact_abroad")]
    [InlineData(MessageKind.Followup, "contact_abroad")]
    [InlineData(MessageKind.Reply, null)]
    public void Business_messages_abroad_are_refused_replies_are_not(MessageKind k, string? expected)
    {
        Assert.Equal(expected, Guardrails.Check(k, Fine, false, new SendingWindow(), MondayNoon, abroadRefused: true)?.Code);
        // an opt-out still comes first
        Assert.Equal("contact_opted_out", Guardrails.Check(MessageKind.Followup, Fine with { OptedOutAt = MondayNoon }, false, new SendingWindow(), MondayNoon, abroadRefused: true)?.Code);
    }

    [Fact]
    public void Fine_contact_passes_every_kind()
    {
        Assert.Null(Code(MessageKind.Prospecting, Fine));
        Assert.Null(Code(MessageKind.Followup, Fine));
        Assert.Null(Code(MessageKind.Reply, Fine));
    }

    [Theory]
    [InlineData(MessageKind.Prospecting, null, "contact_opted_out")]
    [InlineData(MessageKind.Followup, null, "contact_opted_out")]
    [InlineData(MessageKind.Reply, null, "contact_opted_out")]
    [InlineData(MessageKind.Reply, 25.0, "contact_opted_out")]
    [InlineData(MessageKind.Reply, 24.0, null)]
    [InlineData(MessageKind.Reply, 1.0, null)]
    [InlineData(MessageKind.Followup, 1.0, "contact_opted_out")]
    public void Opted_out_only_gets_a_reply_within_24h(MessageKind k, double? hoursSinceInbound, string? expected)
    {
        var c = Fine with
        {
            OptedOutAt = MondayNoon.AddDays(-1),
            LastInboundAt = hoursSinceInbound is { } h ? MondayNoon.AddHours(-h) : null,
        };
        Assert.Equal(expected, Code(k, c));
    }

    [Fact]
    public void Order_of_refusals()
    {
        var everythingWrong = new ContactFacts(true, false, MondayNoon, null, 5);
        Assert.Equal("contact_opted_out", Code(MessageKind.Prospecting, everythingWrong, true, Saturday));
        Assert.Equal("no_lawful_basis", Code(MessageKind.Prospecting, everythingWrong with { OptedOutAt = null }, true, Saturday));
        Assert.Equal("prospecting_paused", Code(MessageKind.Prospecting, Fine with { UnansweredBusinessMessages = 5 }, true, Saturday));
        Assert.Equal("contact_frequency_cap", Code(MessageKind.Prospecting, Fine with { UnansweredBusinessMessages = 5 }, false, Saturday));
        Assert.Equal("outside_sending_window", Code(MessageKind.Prospecting, Fine, false, Saturday));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, "contact_frequency_cap")]
    public void Frequency_cap_edge(int unanswered, string? expected) =>
        Assert.Equal(expected, Code(MessageKind.Followup, Fine with { UnansweredBusinessMessages = unanswered }));

    [Fact]
    public void Lawful_basis_and_gate_apply_to_prospecting_only()
    {
        Assert.Null(Code(MessageKind.Followup, Fine with { HasLawfulBasis = false }, paused: true));
        Assert.Null(Code(MessageKind.Reply, Fine with { UnansweredBusinessMessages = 9 }, paused: true, now: Saturday));
    }

    [Fact]
    public void Window_refusal_says_when_it_opens()
    {
        var r = Guardrails.Check(MessageKind.Followup, Fine, false, new SendingWindow(), Saturday)!;
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(-3)), r.RetryAt);
    }

    [Theory]
    [InlineData("prospeccao", MessageKind.Prospecting)]
    [InlineData("prospecting", MessageKind.Prospecting)]
    [InlineData("followup", MessageKind.Followup)]
    [InlineData("resposta", MessageKind.Reply)]
    [InlineData("REPLY", MessageKind.Reply)]
    public void Kind_aliases(string text, MessageKind kind)
    {
        Assert.True(MessageKinds.TryParse(text, out var k));
        Assert.Equal(kind, k);
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_kinds(string? text) => Assert.False(MessageKinds.TryParse(text, out _));
}
