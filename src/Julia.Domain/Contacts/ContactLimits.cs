using Julia.Domain.Selection;

namespace Julia.Domain.Contacts;

/// <summary>
/// How much business traffic one contact may get (pool setting <c>contacts</c>). Replies never count:
/// they answer the doctor. Defaults: 2 unanswered business messages in 7 days, and 3 business
/// messages a São Paulo day with a prospecting message counting double.
/// </summary>
public sealed record ContactLimits
{
    /// <summary>The longest frequency window that may be configured; a contact's grain keeps this much history.</summary>
    public const int MaxDays = 30;

    public int FrequencyCap { get; init; } = 2;
    public int FrequencyDays { get; init; } = 7;
    public int DailyLimit { get; init; } = 3;
    public int ProspectingWeight { get; init; } = 2;

    public IEnumerable<string> Validate()
    {
        if (FrequencyCap < 1) yield return "contacts.frequencyCap: must be at least 1";
        if (FrequencyDays is < 1 or > MaxDays) yield return $"contacts.frequencyDays: must be between 1 and {MaxDays}";
        if (DailyLimit < 1) yield return "contacts.dailyLimit: must be at least 1";
        // A weight above the daily limit would refuse every prospecting message while reading as a limit.
        if (ProspectingWeight < 1 || ProspectingWeight > DailyLimit) yield return "contacts.prospectingWeight: must be between 1 and contacts.dailyLimit";
    }

    /// <summary>What one message of the kind counts against the daily limit.</summary>
    public int Weight(MessageKind kind) => kind switch
    {
        MessageKind.Prospecting => ProspectingWeight,
        MessageKind.Followup => 1,
        _ => 0,
    };
}
