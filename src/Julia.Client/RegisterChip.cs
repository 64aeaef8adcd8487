namespace Julia.Client;

public sealed record RegisterChip(string Phone, string Instance, string? InstanceToken = null, string? WebhookSecret = null,
    string? Provider = null, string? Status = null, bool? Connected = null, DateTimeOffset? AccountCreatedAt = null);
