using Julia.Grains.Chips;

namespace Julia.Grains.Connections;

/// <summary>One Meta chip's polled standing, or why the Graph API gave none (<see cref="Failure"/>; the chip keeps what it had).</summary>
public sealed record PolledStanding(long ChipId, StandingReport? Report, string? Failure);
