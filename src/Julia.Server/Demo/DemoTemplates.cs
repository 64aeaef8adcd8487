using Julia.Storage.Outbox;

namespace Julia.Server.Demo;

/// <summary>
/// The demo agent's templates: what its business messages carry for Meta numbers outside the doctor's 24-hour window
/// (a marketing invitation for prospecting, a utility follow-up). A Meta simulator in the demo must hold them approved.
/// </summary>
public static class DemoTemplates
{
    public static readonly MessageTemplate Invitation = new("demo_convite_plantao", "pt_BR", ["Dr(a)."]);
    public static readonly MessageTemplate FollowUp = new("demo_retomada", "pt_BR", ["Dr(a)."]);
}
