namespace Julia.Domain.Chips;

public static class ChipStatuses
{
    public static string ToWire(this ChipStatus s) => s switch
    {
        ChipStatus.Provisioned => "provisioned",
        ChipStatus.Pending => "pending",
        ChipStatus.Rampup => "rampup",
        ChipStatus.Ready => "ready",
        ChipStatus.Active => "active",
        ChipStatus.Degraded => "degraded",
        ChipStatus.Paused => "paused",
        ChipStatus.Retired => "retired",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static bool TryParse(string? text, out ChipStatus status)
    {
        foreach (var s in Enum.GetValues<ChipStatus>())
            if (string.Equals(s.ToWire(), text, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        status = default;
        return false;
    }

    public static ChipStatus Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"unknown chip status '{text}'");
}
