using Julia.Domain.Alerts;

namespace Julia.Providers.Notifiers;

/// <summary>A channel that tells people about alerts (Slack, Telegram). Throws <see cref="NotifyFailedException"/> when the notice did not get
/// through.</summary>
public interface INotifier
{
    /// <summary>The channel's name, as deliveries and logs name it ("slack", "telegram"); never a URL or token.</summary>
    string Channel { get; }

    Task SendAsync(AlertNotice n, CancellationToken ct);
}

/// <summary>One notice: an alert raised or resolved.</summary>
public sealed record AlertNotice(long AlertId, string Kind, string Severity, string Subject, string Message, bool Resolved)
{
    /// <summary>What the people read, e.g. "🔴 Alerta: pool abaixo do mínimo (3 ativos de 5)".</summary>
    public string Text => AlertText.Notice(Severity, Message, Resolved);
}

/// <summary>
/// A notice that did not get through. The message names the channel and what it answered, never its URL or
/// token, so it can be logged and stored. <see cref="RetryAfter"/> is the channel's own wait (429).
/// </summary>
public sealed class NotifyFailedException(string message, TimeSpan? retryAfter = null, int? status = null) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public int? Status { get; } = status;
}
