using System.Text.Json;

namespace Julia.Client;

public sealed record TrustHistoryEntry(DateTimeOffset At, int Score, string Level, JsonElement Factors, string Cause);
