using Julia.Storage.Meta;

namespace Julia.Server.Templates;

/// <summary>A WABA's template as <c>GET /v1/templates</c> shows it: only <c>APPROVED</c> ones are sent.</summary>
public sealed record TemplateJson(string WabaId, string Name, string Language, string? TemplateId, string Category, string? PreviousCategory,
                                  string? PendingCategory, string Status, string? StatusReason, bool Sendable, int ParameterCount, string? Body,
                                  DateTimeOffset? SyncedAt, DateTimeOffset UpdatedAt)
{
    public static TemplateJson From(MetaTemplateRow t) => new(t.WabaId, t.Name, t.Language, t.TemplateId, t.Category, t.PreviousCategory,
        t.PendingCategory, t.Status, t.StatusReason, t.Status == Domain.Meta.TemplateCategories.Approved, t.ParameterCount, t.Body, t.SyncedAt, t.UpdatedAt);
}
