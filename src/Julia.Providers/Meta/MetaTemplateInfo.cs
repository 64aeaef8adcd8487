namespace Julia.Providers.Meta;

/// <summary>
/// One template as the WABA lists it (<c>GET /{waba}/message_templates</c>): id, name, exact locale, category, status, the
/// number of body parameters and the body text.
/// </summary>
public sealed record MetaTemplateInfo(string? Id, string Name, string Language, string Category, string Status, int ParameterCount, string? Body);
