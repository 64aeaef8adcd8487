using Microsoft.Extensions.Options;

namespace Julia.Server;

public sealed class JuliaOptionsValidator : IValidateOptions<JuliaOptions>
{
    public ValidateOptionsResult Validate(string? name, JuliaOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(JuliaOptions o)
    {
        if (o.SnapshotTtl <= TimeSpan.Zero || o.SnapshotTtl > TimeSpan.FromMinutes(1)) yield return "Julia:SnapshotTtl must be between 0 and 1 minute";
        if (o.CandidatesPerTry is < 1 or > 100) yield return "Julia:CandidatesPerTry must be between 1 and 100";
    }
}
