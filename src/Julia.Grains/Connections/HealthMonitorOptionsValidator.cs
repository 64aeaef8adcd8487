using Microsoft.Extensions.Options;

namespace Julia.Grains.Connections;

public sealed class HealthMonitorOptionsValidator : IValidateOptions<HealthMonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthMonitorOptions o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(HealthMonitorOptions o)
    {
        if (o.Period < TimeSpan.FromMinutes(1)) yield return "HealthMonitor:Period must be at least 1 minute (an Orleans reminder's shortest period)";
        if (o.Concurrency is < 1 or > 256) yield return "HealthMonitor:Concurrency must be between 1 and 256";
        if (o.CallTimeout <= TimeSpan.Zero || o.CallTimeout >= o.Period) yield return "HealthMonitor:CallTimeout must be positive and shorter than Period";
    }
}
