namespace Julia.Domain.Trust;

/// <summary>One thing a ramp-up chip still lacks: which (<see cref="Code"/>), the value it needs and the value it has.</summary>
public sealed record RampNeed(string Code, double Target, double Now)
{
    public const string Day = "day", Trust = "trust", Delivery = "delivery", Blocks = "blocks", NoSpam = "no_spam";

    /// <summary>In English, as the API shows it: "day 7 (now day 4)".</summary>
    public override string ToString() => Code switch
    {
        Day => $"day {Target:0} (now day {Now:0})",
        Trust => $"trust {Target:0} (now {Now:0})",
        Delivery => $"delivery {Target * 100:0}% in this stage (now {Now * 100:0}%)",
        Blocks => $"blocks and opt-outs at most {Target * 100:0}% (now {Now * 100:0.0}%)",
        _ => "no spam or restriction signal (one sends it back to R1)",
    };
}
