namespace Julia.Domain.Sending;

/// <summary>
/// The send policy's answer for one message, complete enough that the outbox carries it out without reading the
/// result again.
/// </summary>
/// <param name="Reason">The message's last error (and its timeline entry unless <paramref name="Note"/> says otherwise).</param>
/// <param name="At">When the message is due again (<see cref="SendStep.Wait"/>, <see cref="SendStep.AnotherChip"/>), or when the gateway is
/// asked about it (<see cref="SendStep.InDoubt"/>).</param>
/// <param name="Status">The final status (<see cref="SendStep.Stop"/>): failed, blocked or expired.</param>
/// <param name="Note">The timeline's entry for a wait, when it says more than the reason.</param>
/// <param name="Logged">False when the timeline already says why the message waits (so a long wait is one entry, not one per pass).</param>
public sealed record SendVerdict(SendStep Step, string? Reason = null, DateTimeOffset? At = null, string? Status = null, string? Note = null,
                                 bool Logged = true)
{
    public static readonly SendVerdict Done = new(SendStep.Done);

    public static SendVerdict WaitUntil(DateTimeOffset at, string? reason, string? note = null, bool logged = true) =>
        new(SendStep.Wait, reason, at, Note: note, Logged: logged);

    public static SendVerdict AnotherChipAfter(DateTimeOffset at, string? reason) => new(SendStep.AnotherChip, reason, at);

    public static SendVerdict InDoubtUntil(DateTimeOffset at, string? reason, string? note = null, bool logged = true) =>
        new(SendStep.InDoubt, reason, at, Note: note, Logged: logged);

    public static SendVerdict StopWith(string status, string? reason) => new(SendStep.Stop, reason, Status: status);
}
