namespace Julia.Domain.Trust;

/// <summary>
/// What each trust level may do: prospecting from amarelo (60) up, follow-ups from laranja (40) up, replies always;
/// the share of the stage caps it may use and the minimum gap between its sends.
/// </summary>
public static class TrustLevels
{
    public static TrustLevel Of(int score) => score switch
    {
        >= 80 => TrustLevel.Verde,
        >= 60 => TrustLevel.Amarelo,
        >= 40 => TrustLevel.Laranja,
        >= 20 => TrustLevel.Vermelho,
        _ => TrustLevel.Critico,
    };

    public static string ToWire(this TrustLevel l) => l.ToString().ToLowerInvariant();

    public static bool Permits(this TrustLevel level, Selection.MessageKind kind) => kind switch
    {
        Selection.MessageKind.Prospecting => level >= TrustLevel.Amarelo,
        Selection.MessageKind.Followup => level >= TrustLevel.Laranja,
        Selection.MessageKind.Reply => true,
        _ => false,
    };

    /// <summary>Fraction of the stage caps this level may use; critico has fixed caps instead.</summary>
    public static double CapFraction(this TrustLevel level) => level switch
    {
        TrustLevel.Verde => 1.0,
        TrustLevel.Amarelo => 0.8,
        TrustLevel.Laranja => 0.5,
        TrustLevel.Vermelho => 0.2,
        _ => 0,
    };

    public static TimeSpan MinGap(this TrustLevel level) => level switch
    {
        TrustLevel.Verde => TimeSpan.FromSeconds(45),
        TrustLevel.Amarelo => TimeSpan.FromSeconds(60),
        TrustLevel.Laranja => TimeSpan.FromSeconds(90),
        TrustLevel.Vermelho => TimeSpan.FromSeconds(120),
        _ => TimeSpan.FromSeconds(180),
    };
}
