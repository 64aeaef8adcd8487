using Julia.Domain.Selection;

namespace Julia.Domain.Contacts;

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
