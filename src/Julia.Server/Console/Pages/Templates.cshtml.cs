using Julia.Server.Templates;
using Julia.Storage.Meta;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>Every WABA's WhatsApp templates with status and category, as <c>GET /v1/templates</c> gives them.</summary>
public sealed class TemplatesModel(MetaTemplateStore templates) : ConsolePage
{
    public List<TemplateJson> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = [.. (await templates.ListAsync(ct)).Select(TemplateJson.From)];
}
