using Julia.Domain.Phones;

namespace Julia.Providers.Webhooks;

/// <summary>
/// A doctor stopped (<paramref name="Stop"/>) or resumed promotions from us (Meta's <c>user_preferences</c>, or a marketing
/// template failed 131050): marketing templates stop on every chip and provider; replies and utility messages still go.
/// </summary>
public sealed record MarketingPreference(Phone Contact, bool Stop, DateTimeOffset At, string Source) : InboundEvent;
