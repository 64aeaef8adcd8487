using Microsoft.Extensions.Options;

namespace Julia.Providers.Provisioning;

public sealed class SalvyOptionsValidator : IValidateOptions<SalvyOptions>
{
    public ValidateOptionsResult Validate(string? name, SalvyOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(SalvyOptions o)
    {
        if (o.AttemptTimeout <= TimeSpan.Zero) yield return "Salvy:AttemptTimeout must be positive";
        if (o.BaseUrl is not null && !Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _)) yield return "Salvy:BaseUrl must be an absolute URL";
    }
}
