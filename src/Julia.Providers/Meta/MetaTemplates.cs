using System.Net.Http.Headers;
using System.Text.Json;

namespace Julia.Providers.Meta;

/// <summary>
/// A WABA's templates from <c>GET /{version}/{waba-id}/message_templates</c> (spec §6), every page followed by its
/// <c>paging.cursors.after</c> (the <c>next</c> address is not used: it carries the token in its query). The token goes in the
/// Authorization header only.
/// </summary>
public sealed class MetaTemplates(HttpClient http)
{
    const string Fields = "id,name,language,category,status,components";
    const int MaxPages = 100;

    public async Task<IReadOnlyList<MetaTemplateInfo>> ListAsync(string wabaId, string token, string graphVersion, CancellationToken ct)
    {
        var all = new List<MetaTemplateInfo>();
        string? after = null;
        for (int page = 0; page < MaxPages; page++)
        {
            var path = $"{Uri.EscapeDataString(graphVersion)}/{Uri.EscapeDataString(wabaId)}/message_templates?fields={Fields}&limit=100"
                       + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            using var req = new HttpRequestMessage(HttpMethod.Get, path);
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var res = await http.SendAsync(req, ct);
            var body = await res.Content.ReadAsStringAsync(ct);
            if (!res.IsSuccessStatusCode) throw new ProviderException($"template list for WABA {wabaId}: HTTP {(int)res.StatusCode}", permanent: false,
                    (int)res.StatusCode);
            using var doc = JsonDocument.Parse(body);
            foreach (var t in MetaJson.Arr(doc.RootElement, "data")) if (Read(t) is { } info) all.Add(info);
            after = MetaJson.Str(MetaJson.Obj(MetaJson.Obj(doc.RootElement, "paging"), "cursors"), "after");
            // The last page has no "next" (its cursors may still be there).
            var paging = MetaJson.Obj(doc.RootElement, "paging");
            if (after is null || paging.ValueKind != JsonValueKind.Object || !paging.TryGetProperty("next", out _)) break;
        }
        return all;
    }

    static MetaTemplateInfo? Read(JsonElement t)
    {
        if (MetaJson.Str(t, "name") is not { } name || MetaJson.Str(t, "language") is not { } language) return null;
        var body = MetaJson.Arr(t, "components").FirstOrDefault(c => MetaJson.Str(c, "type") is "BODY" or "body");
        var text = body.ValueKind == JsonValueKind.Object ? MetaJson.Str(body, "text") : null;
        return new MetaTemplateInfo(MetaJson.Id(t, "id"), name, language, MetaJson.Str(t, "category") ?? "UNKNOWN", MetaJson.Str(t, "status") ?? "UNKNOWN",
            Parameters(text), text);
    }

    /// <summary>Body parameters: positional <c>{{1}}</c> or named <c>{{name}}</c>, each counted once.</summary>
    public static int Parameters(string? text) =>
        text is null ? 0
        : System.Text.RegularExpressions.Regex.Matches(text, @"\{\{\s*([A-Za-z0-9_]+)\s*\}\}").Select(m => m.Groups[1].Value).Distinct().Count();
}
