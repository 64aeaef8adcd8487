namespace Julia.Grains.Conversations;

/// <summary>
/// One contact (keyed by the E.164 number): the guardrails, the sticky chip, failover and migration, and
/// every change to what they read (inbound messages, keywords, opt-out and opt-in, the lawful basis).
/// Calls for one contact run one at a time, so two messages for the same doctor cannot both pass the
/// frequency cap, and an opt-out acknowledged is seen by every selection after it. The state is read from
/// PostgreSQL when the grain activates; a warm selection reads nothing.
/// </summary>
/// <remarks>
/// Each method's [Alias] pins the wire identity it had before it carried one (the code generator's hash of its
/// signature), so nodes of the previous release still understand it and a rename no longer changes it. A method
/// added later takes a new alias of its own; an alias never changes. The interface itself has no [Alias] yet: one
/// changes how the interface is named on the wire, which a node of the previous release cannot read (deploy/mixed-version
/// answered 500 with one); it can come once every node knows the alias (docs/operations.md, rolling upgrade).
/// </remarks>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Picks and reserves the chip for one message, or says why not (recorded either way).</summary>
    [Alias("EEC0BBB7")]
    Task<SelectAnswer> SelectAsync(string kind, IReadOnlyList<long> excludeChips);

    /// <summary>
    /// As <see cref="SelectAsync"/>, for a message that may carry a template: a Meta chip outside the doctor's 24-hour window
    /// takes it only as its template (<see cref="Selected.AsTemplate"/>), and with no template the selection is refused
    /// <c>template_required</c>; a marketing template to a doctor who stopped promotions is refused <c>marketing_opted_out</c>.
    /// </summary>
    [Alias("SelectMessageAsync")]
    Task<SelectAnswer> SelectMessageAsync(string kind, IReadOnlyList<long> excludeChips, TemplateAsk? messageTemplate);

    /// <summary>
    /// The doctor stopped (or resumed) promotions (Meta's user_preferences, or a 131050 failure): marketing templates stop
    /// on every chip and provider, replies and utility templates still go. PARE/SAIR are untouched.
    /// </summary>
    [Alias("SetMarketingOptOutAsync")]
    Task SetMarketingOptOutAsync(bool stopped, string source, DateTimeOffset at);

    /// <summary>
    /// Meta failed a free-text message to the contact with 131047: by its reckoning the window on <paramref name="chipId"/> was closed at
    /// <paramref name="at"/>, whatever our copy said. Free text waits for the doctor's next message there; templates still go.
    /// </summary>
    [Alias("CloseMetaWindowAsync")]
    Task CloseMetaWindowAsync(long chipId, DateTimeOffset at);

    /// <summary>
    /// A message from the contact, applied once by (chip, gateway id) with what its keyword does: opt-out, opt-in,
    /// the signal against the chip, the reply to queue. Reports what it did; nothing again for a message seen before.
    /// </summary>
    [Alias("ReceiveAsync")]
    Task<MessageApplied> ReceiveAsync(ContactMessage message);

    /// <summary>
    /// The pool manager moves the conversation off chip <paramref name="fromChip"/>, which lost it, to <paramref name="toChip"/>;
    /// the announcement leads the next message. False when the conversation is no longer on <paramref name="fromChip"/>
    /// or the contact opted out (migration never moves them).
    /// </summary>
    [Alias("B799B8BB")]
    Task<bool> MigrateAsync(long fromChip, long toChip, DateTimeOffset now);

    [Alias("56D53F88")]

    Task OptOutAsync(string source, string? text, string actor);

    /// <summary>False when there is no such contact.</summary>
    [Alias("9FE88B05")]
    Task<bool> OptInAsync(string reason, string actor);

    [Alias("7C363D3F")]

    Task PutBasisAsync(string basis, string source, string? name, string actor);

    /// <summary>
    /// An operator lifts the contact's frequency cap or daily limit until <paramref name="until"/> (or for
    /// <paramref name="count"/> messages, if that comes first); the caller has checked the rule and times.
    /// Returns the override's id.
    /// </summary>
    [Alias("1A8E32F4")]
    Task<long> GrantOverrideAsync(string rule, string reason, DateTimeOffset until, int? count, string actor);

    /// <summary>Ends an override early; false when the contact has no such override running.</summary>
    [Alias("569C60B5")]
    Task<bool> RevokeOverrideAsync(long id, string reason, string actor);
}
