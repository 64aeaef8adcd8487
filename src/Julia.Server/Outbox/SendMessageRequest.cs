namespace Julia.Server.Outbox;

/// <summary>
/// A message to queue. <see cref="Template"/> (optional) goes instead of <see cref="Text"/> when the chip chosen is a Meta number
/// outside the doctor's 24-hour window; without one, such a message is blocked <c>template_required</c>.
/// </summary>
public sealed record SendMessageRequest(string? Contact, string? Kind, string? Text, string? IdempotencyKey,
                                        DateTimeOffset? NotBefore, DateTimeOffset? ExpiresAt, TemplateRequest? Template = null);
