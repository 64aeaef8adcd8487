namespace Julia.Domain.Trust;

public static class TrustScore
{
    public const int Base = 30;
    public const int SpamCap = 39;

    public static TrustResult Compute(TrustInputs i)
    {
        static double Clamp01(double v) => double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1);

        var f = new TrustFactors(
            Base: Base,
            AccountAge: Clamp01(i.AccountAgeDays / 30) * 15,
            ResponseRate: Clamp01(i.ResponseRate7d / 0.5) * 20,
            DeliveryRate: Clamp01(i.DeliveryRate7d / 0.95) * 15,
            Bidirectional: Clamp01(i.BidirectionalConversations7d / 20.0) * 15,
            DaysWithoutError: Clamp01(i.DaysWithoutError / 7) * 10,
            RampupProgress: RampUp.Progress(i.Stage) * 15,
            BlockOptOutPenalty: -Clamp01(i.BlockOptOutRate7d * 10) * 20,
            ErrorPenalty: -Clamp01(i.Errors24h / 5.0) * 10,
            CappedBySpamSignal: i.SpamSignal7d);

        double sum = f.Base + f.AccountAge + f.ResponseRate + f.DeliveryRate + f.Bidirectional
                     + f.DaysWithoutError + f.RampupProgress + f.BlockOptOutPenalty + f.ErrorPenalty;
        int score = (int)Math.Clamp(Math.Round(sum, MidpointRounding.AwayFromZero), 0, 100);
        if (i.SpamSignal7d) score = Math.Min(score, SpamCap);
        return new TrustResult(score, TrustLevels.Of(score), f);
    }
}
