namespace Julia.Grains.Conversations;

/// <summary>A selection either picked a chip or was refused.</summary>
[GenerateSerializer, Immutable, Alias("julia.SelectAnswer")]
public sealed record SelectAnswer([property: Id(0)] Selected? Selected, [property: Id(1)] Refused? Refused)
{
    public static implicit operator SelectAnswer(Selected s) => new(s, null);
    public static implicit operator SelectAnswer(Refused r) => new(null, r);
}
