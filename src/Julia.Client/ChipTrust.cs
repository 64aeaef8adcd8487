namespace Julia.Client;

public sealed record ChipTrust(long ChipId, int Score, string Level, IReadOnlyList<TrustHistoryEntry> History);
