namespace Julia.Domain.Sending;

/// <summary>What the send policy knows of a message besides the result.</summary>
/// <param name="Attempts">Claims so far, this one included.</param>
/// <param name="ChipsTried">Chips that failed it before this send (each one is not tried again).</param>
/// <param name="ExpiresAt">The end of its validity.</param>
/// <param name="LastError">What its timeline last said went wrong.</param>
public sealed record MessageFacts(int Attempts, int ChipsTried, DateTimeOffset ExpiresAt, string? LastError = null);
