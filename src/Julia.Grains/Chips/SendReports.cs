using Julia.Domain.Sending;

namespace Julia.Grains.Chips;

/// <summary>Reporting a send to the chip that made it: the one call, and the send policy's types in their wire forms.</summary>
public static class SendReports
{
    /// <summary>
    /// The verdict on a send from chip <paramref name="chipId"/>, and the breaker's transition if the result made one. A
    /// result that concerns the chip goes to its grain, which applies the effect and answers the verdict in one call; one
    /// about the contact or the message leaves the chip as it is, so the same policy answers without a grain call.
    /// </summary>
    public static async Task<(SendVerdict Verdict, string? BreakerChange)> ReportSendAsync(this IGrainFactory grains, long chipId, SendResult result,
                                                                                       MessageFacts message, SendPolicy policy, DateTimeOffset now)
    {
        if (SendPolicy.EffectOn(result) == ChipEffect.None) return (policy.OnResult(result, message, now, Random.Shared.NextDouble()), null);
        var answer = await grains.GetGrain<IChipGrain>(chipId).ReportSendAsync(result.ToReport(message, now));
        return (answer.ToVerdict(), answer.BreakerChange);
    }

    public static SendReport ToReport(this SendResult r, MessageFacts m, DateTimeOffset now) =>
        new(r.Outcome.ToString(), r.Concerns.ToString(), r.Code, r.Detail, m.Attempts, m.ChipsTried, m.ExpiresAt, now);

    /// <summary>The result (without the gateway's message id, which the chip does not need) and the message's facts.</summary>
    public static (SendResult Result, MessageFacts Message) ToDomain(this SendReport r) =>
        (new SendResult(Enum.Parse<SendOutcome>(r.Outcome), Enum.Parse<SendConcern>(r.Concerns), null, r.Code, r.Detail),
         new MessageFacts(r.Attempts, r.ChipsTried, r.ExpiresAt));

    public static SendAnswer ToAnswer(this SendVerdict v, string? breakerChange) =>
        new(v.Step.ToString(), v.Reason, v.At, v.Status, v.Note, v.Logged, breakerChange);

    public static SendVerdict ToVerdict(this SendAnswer a) => new(Enum.Parse<SendStep>(a.Step), a.Reason, a.At, a.Status, a.Note, a.Logged);
}
