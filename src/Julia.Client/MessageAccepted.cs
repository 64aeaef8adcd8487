namespace Julia.Client;

public sealed record MessageAccepted(long MessageId, string Status);
