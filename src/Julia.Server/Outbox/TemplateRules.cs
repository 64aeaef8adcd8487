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

    /// <summary>
    /// Null when the template is APPROVED in <paramref name="waba"/> with <paramref name="parameters"/> body parameters;
    /// otherwise <c>template_not_approved</c>, or <c>template_parameters</c> (Meta would refuse the send with 132000).
    /// </summary>
    public static string? Refusal(IReadOnlyList<MetaTemplateRow> known, string? waba, int parameters) =>
        known.FirstOrDefault(t => t.WabaId == waba && t.Status == TemplateCategories.Approved) is not { } approved ? RefusalCodes.TemplateNotApproved
        : approved.ParameterCount != parameters ? RefusalCodes.TemplateParameters
        : null;
}
