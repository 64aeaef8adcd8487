namespace Julia.Providers.Webhooks;

/// <summary>Why a posted body is refused: the HTTP status (a 4xx: the gateway must not retry), a stable code, a title and a detail.</summary>
public sealed record WebhookRefusal(int Status, string Code, string Title, string? Detail);
