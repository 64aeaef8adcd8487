using Julia.Domain.Selection;

namespace Julia.Domain.Meta;

/// <summary>
/// What a message may be on one chip (spec §2.4): on an Evolution chip its free text; on a Meta chip its free text inside
/// the (chip, doctor) window, else its template, else nothing (<see cref="RefusalCodes.TemplateRequired"/>: never a send Meta
/// would fail with 131047). A marketing template to a doctor who stopped promotions is refused before any chip is chosen
/// (<see cref="MarketingRefusal"/>).
/// </summary>
public static class MetaSendRule
{
    /// <param name="meta">The chip is on Meta's Cloud API.</param>
    /// <param name="lastDoctorMessage">When the doctor last wrote to this chip (null: never, or not within the window).</param>
    /// <param name="hasTemplate">The message carries a template.</param>
    /// <returns>The form it goes in, or null when it cannot go on this chip now.</returns>
    public static SendForm? On(bool meta, DateTimeOffset? lastDoctorMessage, bool hasTemplate, DateTimeOffset now) =>
        !meta || ServiceWindow.IsOpen(lastDoctorMessage, now) ? SendForm.Text
        : hasTemplate ? SendForm.Template
        : null;

    /// <summary>
    /// A business-initiated message whose template is MARKETING, to a doctor who asked to stop promotions (user_preferences
    /// stop, or 131050), is refused on every chip and provider; replies and utility templates still go.
    /// </summary>
    public static Refusal? MarketingRefusal(MessageKind kind, string? templateCategory, DateTimeOffset? marketingOptedOutAt) =>
        kind.IsBusinessInitiated() && TemplateCategories.IsMarketing(templateCategory) && marketingOptedOutAt is not null
            ? new Refusal(RefusalCodes.MarketingOptedOut,
                "The doctor asked to stop promotions: marketing templates are not sent to them on any number; replies and utility templates still go.")
            : null;
}
