namespace Julia.Providers.Evolution;

/// <summary>Section <c>Evolution</c>.</summary>
public sealed class EvolutionOptions
{
    public const string Section = "Evolution";

    /// <summary>Evolution API server, e.g. https://evo.example.com.br.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The server's global API key (AUTHENTICATION_API_KEY): creating instances needs it. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Limit for one HTTP call; a slower answer is a timeout.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a transient failure or timeout (never after a 4xx; a send never after a timeout, which leaves it in doubt).</summary>
    public int Retries { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The whole send, retries included; must stay well under the outbox lease.</summary>
    public TimeSpan TotalTimeout => AttemptTimeout * (Retries + 1) + RetryBaseDelay * (1 << Retries) * 2;
}
