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

/// <summary>A business-initiated message granted to the contact.</summary>
public readonly record struct BusinessMessage(DateTimeOffset At, MessageKind Kind);

/// <summary>The counts the contact guardrails read, from the contact's recent business messages.</summary>
public static class BusinessMessages
{
    /// <summary>Messages within the frequency window and since the contact last wrote (a reply restarts the count).</summary>
    public static int Unanswered(IEnumerable<BusinessMessage> sent, DateTimeOffset? lastInboundAt, DateTimeOffset now, ContactLimits limits)
    {
        var since = now - TimeSpan.FromDays(limits.FrequencyDays);
        if (lastInboundAt > since) since = lastInboundAt.Value;
        return sent.Count(m => m.At > since);
    }

    /// <summary>
    /// The weight of the messages granted on now's calendar day in the window's time zone (São Paulo by
    /// default). A message stamped on another day does not count, whichever way the clock moved.
    /// </summary>
    public static int WeightToday(IEnumerable<BusinessMessage> sent, DateTimeOffset now, SendingWindow window, ContactLimits limits)
    {
        var today = window.LocalDay(now);
        return sent.Where(m => window.LocalDay(m.At) == today).Sum(m => limits.Weight(m.Kind));
    }
}
