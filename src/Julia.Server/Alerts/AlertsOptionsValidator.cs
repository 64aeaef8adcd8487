using Microsoft.Extensions.Options;

namespace Julia.Server.Alerts;

public sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(AlertsOptions o)
    {
        if (o.Cooldown < TimeSpan.Zero) yield return "Alerts:Cooldown must not be negative";
        if (o.PollInterval <= TimeSpan.Zero) yield return "Alerts:PollInterval must be positive";
        if (o.SendTimeout <= TimeSpan.Zero) yield return "Alerts:SendTimeout must be positive";
        // Notices are claimed one at a time; a claim that ran out while its send was still going would let
        // another node send the notice again.
        if (o.Lease < o.SendTimeout + TimeSpan.FromSeconds(5))
            yield return $"Alerts:Lease ({o.Lease}) must exceed Alerts:SendTimeout ({o.SendTimeout}) by at least 5 s";
        if (o.BatchSize < 1 || o.MaxAttempts < 1) yield return "Alerts:BatchSize and Alerts:MaxAttempts must be positive";
        if (o.RetryBaseDelay <= TimeSpan.Zero || o.RetryMaxDelay < o.RetryBaseDelay)
            yield return "Alerts:RetryBaseDelay must be positive and at most Alerts:RetryMaxDelay";
        if (o.FailingAfter <= TimeSpan.Zero || o.Horizon <= o.FailingAfter) yield return "Alerts:FailingAfter must be positive and shorter than Alerts:Horizon";
    }
}
