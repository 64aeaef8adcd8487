using Julia.Domain.Trust;
using Julia.Server.Chips;
using Julia.Server.ConsoleWeb;

namespace Julia.Server.Tests.Console;

/// <summary>
/// The console is Portuguese for operators: words the rows and the API keep in English are translated where they are
/// shown. (The chip page showed "operating" as the stage, "sent" as an attempt's result and "event" as the trust cause.)
/// </summary>
public class FormatTests
{
    [Fact]
    public void Every_ramp_up_stage_is_shown_in_Portuguese()
    {
        var shown = Enum.GetValues<RampStage>().Select(s => Format.Stage(ChipJson.StageName(s))).ToList();
        Assert.Equal(["R1", "R2", "R3", "R4", "em operação"], shown);
    }

    [Theory]
    // Every outcome message_attempts allows (sql/0002_sending.sql).
    [InlineData("sent", "enviada")]
    [InlineData("timeout", "sem resposta a tempo")]
    [InlineData("transient", "falha temporária")]
    [InlineData("rate_limited", "limite de envio")]
    [InlineData("spam_restriction", "restrição por spam")]
    [InlineData("permanent", "falha permanente")]
    public void Every_attempt_outcome_is_shown_in_Portuguese(string outcome, string label) => Assert.Equal(label, Format.Attempt(outcome));

    [Theory]
    // Every cause the service writes to trust_log.
    [InlineData("event", "evento")]
    [InlineData("periodic", "cálculo periódico")]
    [InlineData("registered", "cadastro")]
    [InlineData("demo seed", "carga da demonstração")]
    public void Every_trust_cause_is_shown_in_Portuguese(string cause, string label) => Assert.Equal(label, Format.TrustCause(cause));

    [Fact]
    public void Message_kinds_and_statuses_are_shown_in_Portuguese()
    {
        Assert.Equal(["prospecção", "follow-up", "resposta"], new[] { "prospecting", "followup", "reply" }.Select(Format.Kind));
        string[] statuses = ["queued", "sending", "in_doubt", "sent", "delivered", "read", "failed", "expired", "cancelled", "blocked"];
        Assert.All(statuses, s => Assert.NotEqual(s, Format.MessageStatus(s)));
    }

    [Fact]
    public void A_value_without_a_label_is_shown_as_stored() => Assert.Equal("something_new", Format.Attempt("something_new"));
}
