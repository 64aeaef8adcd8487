namespace Julia.Server.Outbox;

public sealed record MessageAccepted(long MessageId, string Status);
