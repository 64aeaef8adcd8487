using System.Text.Json;

namespace Julia.Client;

public sealed record Operation(long Id, DateTimeOffset At, string Actor, string Action, long? ChipId, string? Contact, string? FromStatus,
    string? ToStatus, string? Reason, JsonElement? Details);
