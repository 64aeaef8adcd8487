namespace Julia.Providers.Webhooks;

/// <summary>
/// A WABA's template changed status (Meta's <c>message_template_status_update</c>): approved, rejected, paused, disabled…
/// Only an approved template is sent, so a pause stops it at once. <paramref name="Reason"/>: Meta's reason and pause title.
/// </summary>
public sealed record TemplateStatusChanged(string WabaId, string? TemplateId, string Name, string Language, string Status, string? Reason,
                                           string? Category) : InboundEvent;
