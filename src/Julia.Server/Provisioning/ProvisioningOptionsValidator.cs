using Microsoft.Extensions.Options;

namespace Julia.Server.Provisioning;

public sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(ProvisioningOptions o)
    {
        if (o.PollInterval <= TimeSpan.Zero) yield return "Provisioning:PollInterval must be positive";
        if (o.MaxAttempts is < 1 or > 50) yield return "Provisioning:MaxAttempts must be between 1 and 50";
        if (o.RetryBaseDelay <= TimeSpan.Zero || o.RetryMaxDelay < o.RetryBaseDelay)
            yield return "Provisioning:RetryBaseDelay must be positive and at most RetryMaxDelay";
        // Each step's calls have their own timeouts (seconds); a lease shorter than one attempt would let two nodes work on one request.
        if (o.Lease < TimeSpan.FromSeconds(30)) yield return "Provisioning:Lease must be at least 30 seconds";
        if (o.WebhookUrl is not null && !Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out _)) yield return "Provisioning:WebhookUrl must be an absolute URL";
    }
}
