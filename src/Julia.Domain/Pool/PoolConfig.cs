using Julia.Domain.Contacts;
using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Pool;

/// <summary>Operator-editable pool settings; every field has a default, so a partial setting keeps the rest.</summary>
public sealed record PoolConfig
{
    public PoolTargets Targets { get; init; } = new();
    public SendingWindow Window { get; init; } = new();
    public RampUpConfig Caps { get; init; } = new();

    /// <summary>Per-contact volume: the frequency cap and the daily limit.</summary>
    public ContactLimits Contacts { get; init; } = new();

    /// <summary>
    /// Said from a contact's new number before its first message there, after a migration.
    /// Honest and short: the doctor should know it is still Julia.
    /// </summary>
    public string Announcement { get; init; } = "Oi! Aqui é a Julia; este é meu novo número.";

    /// <summary>
    /// Whether prospecting and follow-ups may go to numbers outside Brazil. Off by default: the pool's
    /// lawful bases and sending window are Brazilian. Doctors abroad who write to us are answered either way.
    /// </summary>
    public bool AllowBusinessAbroad { get; init; }

    public IReadOnlyList<string> Validate() =>
        [.. (Targets ?? new()).Validate(), .. (Window ?? new()).Validate(), .. (Caps ?? new()).Validate(), .. (Contacts ?? new()).Validate(),
         .. (string.IsNullOrWhiteSpace(Announcement) || Announcement.Length > 500 ? ["announcement: must be 1–500 characters"] : Array.Empty<string>())];
}
