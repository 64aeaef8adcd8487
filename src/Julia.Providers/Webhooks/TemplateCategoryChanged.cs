namespace Julia.Providers.Webhooks;

/// <summary>
/// Meta re-categorised a template (<c>template_category_update</c>): <paramref name="Pending"/> for the 24 h notice (recorded,
/// not yet in force), otherwise the category now in force.
/// </summary>
public sealed record TemplateCategoryChanged(string WabaId, string? TemplateId, string? Name, string? Language, string Category, bool Pending)
    : InboundEvent;
