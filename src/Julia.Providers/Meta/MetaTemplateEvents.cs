using System.Text.Json;
using Julia.Providers.Webhooks;

namespace Julia.Providers.Meta;

/// <summary>The template webhooks (spec §6) read into typed events: a status change, a category change or its 24 h notice.</summary>
public static class MetaTemplateEvents
{
    public static InboundEvent Status(string waba, JsonElement v)
    {
        var (name, language, status) = (MetaJson.Str(v, "message_template_name"), MetaJson.Str(v, "message_template_language"), MetaJson.Str(v, "event"));
        if (name is null || language is null || status is null)
            return new Ignored("message_template_status_update without a template name, language or event");
        var title = MetaJson.Str(MetaJson.Obj(v, "other_info"), "title");
        var reason = string.Join("; ", new[] { MetaJson.Str(v, "reason"), title }.Where(r => r is not null and not "NONE"));
        return new TemplateStatusChanged(waba, MetaJson.Id(v, "message_template_id"), name, language, status, reason.Length == 0 ? null : reason,
            MetaJson.Str(v, "message_template_category"));
    }

    public static InboundEvent Category(string waba, JsonElement v)
    {
        var id = MetaJson.Id(v, "message_template_id");
        var (name, language) = (MetaJson.Str(v, "message_template_name"), MetaJson.Str(v, "message_template_language"));
        if (id is null && name is null) return new Ignored("template_category_update without a template id or name");
        // The notice names the category it will become (correct_category) a day ahead; the change itself, new_category.
        if (MetaJson.Str(v, "correct_category") is { } coming) return new TemplateCategoryChanged(waba, id, name, language, coming, Pending: true);
        if (MetaJson.Str(v, "new_category") is { } now) return new TemplateCategoryChanged(waba, id, name, language, now, Pending: false);
        return new Ignored("template_category_update without new_category or correct_category");
    }
}
