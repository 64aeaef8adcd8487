using Julia.Domain.Meta;
using Julia.Domain.Selection;
using Julia.Storage.Meta;

namespace Julia.Server.Outbox;

/// <summary>What the WABAs' templates say about a message's template: its category, and whether the chip's WABA may send it.</summary>
static class TemplateRules
{
    /// <summary>MARKETING if any WABA files it so (the stricter rules apply), else the first known category; null when no WABA has it.</summary>
    public static string? Category(IReadOnlyList<MetaTemplateRow> known) =>
        known.Any(t => TemplateCategories.IsMarketing(t.Category)) ? TemplateCategories.Marketing : known.Count > 0 ? known[0].Category : null;

    /// <summary>Null when the template is APPROVED in <paramref name="waba"/>; otherwise <c>template_not_approved</c>.</summary>
    public static string? Refusal(IReadOnlyList<MetaTemplateRow> known, string? waba) =>
        known.Any(t => t.WabaId == waba && t.Status == TemplateCategories.Approved) ? null : RefusalCodes.TemplateNotApproved;
}
