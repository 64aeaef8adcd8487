namespace Julia.Domain.Meta;

/// <summary>
/// Meta's 24-hour customer-service window (spec §2.4): it belongs to one chip and one doctor and runs from the doctor's
/// last message to that chip, by the message's own timestamp (webhooks arrive late). Inside it any message goes; outside it
/// only an approved template. Free text is sent only while at least <see cref="Margin"/> of the window is left, so a send
/// that takes a moment never lands after the window closed (Meta would answer 131047 by webhook). Evolution chips have no
/// window.
/// </summary>
public static class ServiceWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    /// <summary>What must be left of the window for free text to be sent.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    /// <summary>When free text stops going to a doctor who last wrote at <paramref name="lastDoctorMessage"/>.</summary>
    public static DateTimeOffset ClosesAt(DateTimeOffset lastDoctorMessage) => lastDoctorMessage + Length - Margin;

    /// <summary>
    /// Free text may go now: the doctor wrote to this chip and the window is not within <see cref="Margin"/> of its end. A clock
    /// that jumped back (now before the doctor's message) keeps it open: the message was written, so the window began.
    /// </summary>
    public static bool IsOpen(DateTimeOffset? lastDoctorMessage, DateTimeOffset now) =>
        lastDoctorMessage is { } last && now < ClosesAt(last);

    /// <summary>The later of two times a doctor wrote: a message that arrives late never shortens the window.</summary>
    public static DateTimeOffset Latest(DateTimeOffset? current, DateTimeOffset sentAt) => current is { } c && c > sentAt ? c : sentAt;
}
