using System.Text.Json;

namespace Julia.Client;

public sealed record SelectionRecord(long Id, DateTimeOffset At, string Contact, string Kind, long? ChipId, string? Code, string? Reason,
    int Candidates, JsonElement Excluded, bool Fallback, string Node);
