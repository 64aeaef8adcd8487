namespace Julia.Domain.Contacts;

/// <summary>
/// What a contact's own message does to the contact, by its keyword (see <see cref="Keywords"/>). An opt-out
/// stops business messages from every number, counts against the chip it was written to and is confirmed,
/// even when repeated; an opt-in undoes an opt-out and is confirmed, and means nothing from someone who never
/// left; help is answered with the opt-out word. The conversation grain applies it with the message, in one write.
/// </summary>
/// <param name="Reply">The text to send back from the same number, or null.</param>
public sealed record KeywordEffect(KeywordIntent Intent, bool OptOut, bool OptIn, string? Reply)
{
    public const string OptOutConfirmation = "Pronto, você não vai mais receber nossas mensagens. Se mudar de ideia, é só responder VOLTAR.";
    public const string OptInConfirmation = "Que bom ter você de volta! Você voltará a receber nossas mensagens. Para sair, responda PARE.";
    public const string HelpReply = "Sou a Julia, assistente de recrutamento médico. Para não receber mais mensagens, responda PARE.";

    /// <summary>Where the opt-in of a contact's own start keyword is recorded as coming from.</summary>
    public const string OptInReason = "contact wrote a start keyword";

    /// <summary>
    /// How long a reply may wait to be sent: inside the 24 h in which a contact's own message may be answered
    /// even after an opt-out, with an hour to spare.
    /// </summary>
    public static readonly TimeSpan ReplyValidity = TimeSpan.FromHours(23);

    /// <param name="optedOut">Whether the contact is opted out now (only an opt-in asks).</param>
    public static KeywordEffect Of(KeywordIntent intent, bool optedOut) => intent switch
    {
        KeywordIntent.OptOut => new(intent, OptOut: true, OptIn: false, OptOutConfirmation),
        KeywordIntent.OptIn when optedOut => new(intent, OptOut: false, OptIn: true, OptInConfirmation),
        KeywordIntent.Help => new(intent, OptOut: false, OptIn: false, HelpReply),
        _ => new(intent, OptOut: false, OptIn: false, null),
    };

    /// <summary>The one confirmation a message gets, whatever happens to its event later: keyed by the stored message.</summary>
    public static string ReplyKey(long inboundId) => $"keyword-reply:{inboundId}";

    /// <summary>The intent as stored with the message and sent to the agent.</summary>
    public string IntentName => Intent switch
    {
        KeywordIntent.OptOut => "opt_out",
        KeywordIntent.OptIn => "opt_in",
        KeywordIntent.Help => "help",
        _ => "none",
    };
}
