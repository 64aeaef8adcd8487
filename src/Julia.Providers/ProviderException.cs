namespace Julia.Providers;

/// <summary>
/// A gateway or provider call that failed. <see cref="Permanent"/>: asking again will not help (a 4xx other
/// than 408/429); otherwise it may succeed later (network, timeout, 5xx, 429).
/// </summary>
public sealed class ProviderException(string message, bool permanent, int? status = null) : Exception(message)
{
    public bool Permanent { get; } = permanent;
    public int? Status { get; } = status;

    /// <summary>A failed HTTP answer as an exception; the body is cut short and never carries our secrets.</summary>
    public static ProviderException FromStatus(string what, int status, string body)
    {
        var text = body.Length > 300 ? body[..300] : body;
        return new ProviderException($"{what}: {status} {text}".TrimEnd(), permanent: status is >= 400 and < 500 and not (408 or 429), status);
    }
}
