namespace Julia.Providers.Provisioning;

/// <summary>Section <c>Salvy</c>: the number provider's API.</summary>
public sealed class SalvyOptions
{
    public const string Section = "Salvy";

    /// <summary>The provider's API, e.g. https://api.salvy.com.br. Unset: provisioning cannot buy numbers.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Bearer API key (a secret: never logged).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Limit for one call; a slower answer is a timeout (retried later with the same idempotency key).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
