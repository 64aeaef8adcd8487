namespace Julia.Grains.Chips;

/// <summary>A send's provider-neutral result (wire form of Julia.Domain's SendResult) and what the send policy needs of the message.</summary>
/// <param name="Outcome">SendOutcome's name: Sent, Timeout, Transient, RateLimited, SpamRestriction or Permanent.</param>
/// <param name="Concerns">SendConcern's name: Chip, Contact or Message.</param>
/// <param name="Code">The provider's own code; <paramref name="Detail"/>, its text.</param>
/// <param name="Attempts">The message's claims so far, this one included; <paramref name="ChipsTried"/>, the chips that failed it before this one.</param>
[GenerateSerializer, Immutable, Alias("julia.SendReport")]
public sealed record SendReport(
    [property: Id(0)] string Outcome, [property: Id(1)] string Concerns, [property: Id(2)] string? Code, [property: Id(3)] string? Detail,
    [property: Id(4)] int Attempts, [property: Id(5)] int ChipsTried, [property: Id(6)] DateTimeOffset ExpiresAt, [property: Id(7)] DateTimeOffset Now);
