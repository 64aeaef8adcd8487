using Julia.Domain.Selection;
using Julia.Domain.Trust;

namespace Julia.Domain.Pool;

/// <summary>Operator-editable pool settings; every field has the DESIGN default.</summary>
public sealed record PoolConfig
{
    public PoolTargets Targets { get; init; } = new();
    public SendingWindow Window { get; init; } = new();
    public RampUpConfig Caps { get; init; } = new();

    public IReadOnlyList<string> Validate() =>
        [.. (Targets ?? new()).Validate(), .. (Window ?? new()).Validate(), .. (Caps ?? new()).Validate()];
}
