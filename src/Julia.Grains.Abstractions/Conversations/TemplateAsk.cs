namespace Julia.Grains.Conversations;

/// <summary>
/// The template a message carries beside its text (name and locale), and its category as the WABA's templates say
/// (null: not known here). Selection needs it: outside a Meta chip's window only the template can go, and a marketing
/// template does not go to a doctor who stopped promotions.
/// </summary>
[GenerateSerializer, Immutable, Alias("julia.TemplateAsk")]
public sealed record TemplateAsk([property: Id(0)] string Name, [property: Id(1)] string Language, [property: Id(2)] string? Category);
