namespace Julia.Client;

/// <summary>A WhatsApp template of a WABA (<c>GET /v1/templates</c>): only <see cref="Sendable"/> (APPROVED) ones are sent.</summary>
public sealed record Template(string WabaId, string Name, string Language, string? TemplateId, string Category, string? PreviousCategory,
                              string? PendingCategory, string Status, string? StatusReason, bool Sendable, int ParameterCount, string? Body,
                              DateTimeOffset? SyncedAt, DateTimeOffset UpdatedAt);
