namespace Julia.Domain.Selection;

/// <summary>
/// Why a selection was refused, as the API, the queue and the console say it. Refusals about the contact mean this
/// message can never go as asked (the API answers 422, the queue blocks it); the others are about the pool or the
/// clock, so the same request may succeed later (409, the queue waits).
/// </summary>
public static class RefusalCodes
{
    public const string OptedOut = "contact_opted_out";
    public const string Abroad = "contact_abroad";
    public const string NoLawfulBasis = "no_lawful_basis";
    public const string ProspectingPaused = "prospecting_paused";
    public const string FrequencyCap = "contact_frequency_cap";
    public const string OutsideWindow = "outside_sending_window";
    public const string DailyLimit = "contact_daily_limit";
    public const string ChipBusy = "chip_busy";
    public const string NoEligibleChip = "no_eligible_chip";
    /// <summary>A Meta number's quality is RED (or its health BLOCKED): business-initiated messages wait on it, never moved to another.</summary>
    public const string QualityRed = "meta_quality_red";
    /// <summary>Meta's pair rate: one message per 6 s from one number to one doctor (with the time it may go).</summary>
    public const string PairRate = "pair_rate";
    /// <summary>A Meta number's throughput (messages per second) is used up this second (with the time it may go).</summary>
    public const string Throughput = "throughput";
    /// <summary>A business message to a Meta chip outside its 24-hour window, with no template (Meta would fail it with 131047).</summary>
    public const string TemplateRequired = "template_required";
    /// <summary>The message's template is not approved on the chip's WABA (pending, rejected, paused, disabled, unknown).</summary>
    public const string TemplateNotApproved = "template_not_approved";
    /// <summary>The message gives its template another number of body parameters than the approved template has (Meta: 132000).</summary>
    public const string TemplateParameters = "template_parameters";
    /// <summary>A marketing template to a doctor who asked to stop promotions (user_preferences stop, or 131050).</summary>
    public const string MarketingOptedOut = "marketing_opted_out";
    /// <summary>The Meta portfolio reached its messaging limit of unique doctors outside their window in 24 h: the message waits.</summary>
    public const string PortfolioLimit = "portfolio_limit";

    /// <summary>Every code, the contact's guardrails first and in the order they are checked.</summary>
    public static readonly IReadOnlyList<string> All =
        [
            OptedOut, Abroad, NoLawfulBasis, MarketingOptedOut, TemplateRequired, TemplateNotApproved, TemplateParameters, ProspectingPaused,
            FrequencyCap, OutsideWindow, DailyLimit, ChipBusy, PortfolioLimit, QualityRed, PairRate, Throughput, NoEligibleChip
        ];

    /// <summary>The refusals about the contact, or about this message as it was asked (its template): the message can never go as it is.</summary>
    public static readonly IReadOnlyList<string> AboutContact =
        [OptedOut, Abroad, NoLawfulBasis, MarketingOptedOut, TemplateRequired, TemplateNotApproved, TemplateParameters];

    /// <summary>The refusals about the pool or the clock.</summary>
    public static readonly IReadOnlyList<string> AboutPoolOrClock = [.. All.Except(AboutContact)];

    public static bool IsAboutContact(string code) =>
        code is OptedOut or Abroad or NoLawfulBasis or MarketingOptedOut or TemplateRequired or TemplateNotApproved or TemplateParameters;

    /// <summary>A chip's own refusal that is about its standing or budgets: the contact's chip is waited for, never replaced.</summary>
    public static bool IsChipStanding(string? code) => code is QualityRed or PairRate or Throughput;
}
