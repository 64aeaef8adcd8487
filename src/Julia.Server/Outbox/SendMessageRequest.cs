namespace Julia.Server.Outbox;

public sealed record SendMessageRequest(string? Contact, string? Kind, string? Text, string? IdempotencyKey,
                                        DateTimeOffset? NotBefore, DateTimeOffset? ExpiresAt);
