using Julia.Providers.Evolution;
using Microsoft.Extensions.Options;

namespace Julia.Server.Outbox;

/// <summary>The outbox's settings, against the gateway's: a send (all its retries) must finish inside the lease.</summary>
public sealed class OutboxOptionsValidator(IOptions<EvolutionOptions> gateway) : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions o) =>
        Problems(o, gateway.Value).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(OutboxOptions o, EvolutionOptions gateway)
    {
        // A send must finish (all retries) well inside its lease, or a live node's message could be
        // reclaimed and sent twice.
        if (o.Lease < gateway.TotalTimeout + TimeSpan.FromSeconds(5))
            yield return $"Outbox:Lease ({o.Lease}) must exceed the gateway's total send time ({gateway.TotalTimeout}) by at least 5 s";
        if (o.BatchSize < 1 || o.Parallelism < 1) yield return "Outbox:BatchSize and Outbox:Parallelism must be positive";
        if (o.MaxChips < 1) yield return "Outbox:MaxChips must be at least 1";
        // Shorter than a send's own time, the gateway would be asked before its echo could arrive.
        if (o.InDoubtWait < gateway.TotalTimeout)
            yield return $"Outbox:InDoubtWait ({o.InDoubtWait}) must be at least the gateway's total send time ({gateway.TotalTimeout})";
        if (o.PollInterval <= TimeSpan.Zero || o.PollInterval >= o.Lease) yield return "Outbox:PollInterval must be positive and shorter than the lease";
    }
}
