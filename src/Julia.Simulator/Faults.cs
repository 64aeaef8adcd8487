namespace Julia.Simulator;

/// <summary>Faults injected per instance through the control API.</summary>
public sealed record Faults
{
    /// <summary>Fraction of sends answered 500.</summary>
    public double ErrorRate { get; init; }
    /// <summary>Extra latency on every send.</summary>
    public int LatencyMs { get; init; }
    /// <summary>
    /// Fraction of sends that hang until the client gives up, never carried out (a request lost before it was processed):
    /// <c>findMessages</c> does not know them.
    /// </summary>
    public double TimeoutRate { get; init; }
    /// <summary>
    /// Sends are carried out (recorded, echoed by webhook, receipts) but answered only after the client has given up: a
    /// gateway frozen mid-request that resumes (deploy/check's <c>docker pause</c>).
    /// </summary>
    public bool AnswerLate { get; init; }
    /// <summary><c>POST /chat/findMessages</c> answers 503: the gateway cannot say what it sent.</summary>
    public bool LookupDown { get; init; }
    /// <summary>Sends answered 429.</summary>
    public bool RateLimited { get; init; }
    /// <summary>The number is disconnected: sends fail, connection state is close.</summary>
    public bool Disconnected { get; init; }
    /// <summary>The platform banned the number: sends answered 403 "account banned".</summary>
    public bool Banned { get; init; }
    /// <summary>Fraction of webhooks delivered two extra times.</summary>
    public double DuplicateRate { get; init; }
    /// <summary>Receipts delivered READ before DELIVERY_ACK.</summary>
    public bool OutOfOrder { get; init; }
}

public sealed record SimulatorOptions
{
    /// <summary>Where webhooks go (Evolution's per-instance webhook URL; one for all instances here).</summary>
    public string? WebhookUrl { get; set; }
    /// <summary>Probability that a doctor answers a message.</summary>
    public double ReplyProbability { get; set; } = 0.3;
    /// <summary>Probability that an answer is an opt-out ("PARE").</summary>
    public double OptOutProbability { get; set; } = 0.02;
    public TimeSpan ReplyDelay { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>Gap between receipts (SERVER_ACK, DELIVERY_ACK, READ).</summary>
    public TimeSpan ReceiptDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Send send.message and the receipts after each send (load tests of sending alone turn it off).</summary>
    public bool Receipts { get; set; } = true;
    /// <summary>Evolution retries a failed webhook up to 10 times; this is the first wait (it doubles).</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public int Seed { get; set; } = 42;
    /// <summary>The server's global key <c>POST /instance/create</c> requires (null: any).</summary>
    public string? GlobalApiKey { get; set; }
    /// <summary>The gateway's clock (JWT times, message timestamps).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

/// <param name="WebhookUrl">Where this instance's webhooks go (set by <c>POST /webhook/set</c>); null: <see cref="SimulatorOptions.WebhookUrl"/>.</param>
public sealed record InstanceSpec(string Name, string Token, string? WebhookSecret, string? Phone, bool UseJwt = false, bool UseLid = false,
                                  string? WebhookUrl = null);

/// <summary>An instance's webhook as <c>POST /webhook/set/{instance}</c> configured it.</summary>
public sealed record WebhookConfig(bool Enabled, string Url, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Events);

public sealed record SentText(string Instance, string Number, string Text, string MessageId, DateTimeOffset At);
