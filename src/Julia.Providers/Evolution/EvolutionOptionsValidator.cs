using Microsoft.Extensions.Options;

namespace Julia.Providers.Evolution;

public sealed class EvolutionOptionsValidator : IValidateOptions<EvolutionOptions>
{
    public ValidateOptionsResult Validate(string? name, EvolutionOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(EvolutionOptions o)
    {
        if (o.AttemptTimeout <= TimeSpan.Zero) yield return "Evolution:AttemptTimeout must be positive";
        if (o.Retries is < 0 or > 5) yield return "Evolution:Retries must be between 0 and 5";
    }
}
