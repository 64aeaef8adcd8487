namespace Julia.Simulator;

/// <summary>How a chat simulator (Slack, Telegram) misbehaves; switched at run time.</summary>
public enum ChatFault
{
    None,
    /// <summary>The connection is dropped without an answer, as a service that is down.</summary>
    Down,
    /// <summary>Slack 404 "no_service" (webhook revoked); Telegram 404 "Not Found" (bad token in the path).</summary>
    NotFound,
    /// <summary>Slack 403 "invalid_token"; Telegram 403 "Forbidden: bot was kicked".</summary>
    Forbidden,
    /// <summary>500 from the service.</summary>
    ServerError,
    /// <summary>429 with Retry-After (Slack: the header; Telegram: parameters.retry_after and the header).</summary>
    RateLimited,
}

/// <summary>A fault for the next <see cref="Times"/> requests (null: until changed), then healthy again.</summary>
public sealed record ChatFaults(ChatFault Fault = ChatFault.None, int? Times = null, int RetryAfterSeconds = 30);

/// <summary>A message a chat simulator accepted.</summary>
public sealed record ChatMessage(string Text, string? ChatId, DateTimeOffset At);

/// <summary>A request a chat simulator received, whatever it answered.</summary>
public sealed record ChatRequest(int Status, DateTimeOffset At);

/// <summary>The fault state and the record shared by the chat simulators.</summary>
public abstract class ChatSimulatorBase
{
    readonly object _lock = new();
    ChatFaults _faults = new();
    readonly List<ChatMessage> _received = [];
    readonly List<ChatRequest> _requests = [];

    public Uri BaseAddress { get; protected set; } = null!;

    public IReadOnlyList<ChatMessage> Received { get { lock (_lock) return [.. _received]; } }
    public IReadOnlyList<ChatRequest> Requests { get { lock (_lock) return [.. _requests]; } }

    public void SetFaults(ChatFaults faults) { lock (_lock) _faults = faults; }

    /// <summary>The fault this request meets, counting it down.</summary>
    protected ChatFaults Take()
    {
        lock (_lock)
        {
            var f = _faults;
            if (f.Fault == ChatFault.None) return f;
            if (f.Times is { } n) _faults = n <= 1 ? new ChatFaults() : f with { Times = n - 1 };
            return f;
        }
    }

    protected void Record(int status, ChatMessage? accepted)
    {
        lock (_lock)
        {
            _requests.Add(new ChatRequest(status, DateTimeOffset.UtcNow));
            if (accepted is not null) _received.Add(accepted);
        }
    }
}
