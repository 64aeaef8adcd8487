namespace Julia.Server.Outbox;

/// <summary>An approved template by its name and exact locale (<c>pt_BR</c>), with its body parameters in order.</summary>
public sealed record TemplateRequest(string? Name, string? Language, IReadOnlyList<string>? Parameters);
