namespace Julia.Grains.Conversations;

/// <summary>
/// What selection needs for Meta chips, from the contact's grain: the message's template (null: text only), when the doctor
/// last wrote to each chip (each chip's 24-hour window) and whether they stopped promotions.
/// </summary>
public sealed record MetaAsk(TemplateAsk? Template, IReadOnlyDictionary<long, DateTimeOffset> LastWrote, DateTimeOffset? MarketingOptedOutAt);
