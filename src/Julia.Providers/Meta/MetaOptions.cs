namespace Julia.Providers.Meta;

/// <summary>Section <c>Meta</c>: the WhatsApp Cloud API's webhook settings shared by every Meta chip.</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    /// <summary>
    /// App secrets webhooks may be signed with (one per Meta app subscribed to our WABAs), beside each chip's own. Secrets:
    /// never logged. With none here and none on the chips a body names, every Meta webhook is refused.
    /// </summary>
    public List<string> AppSecrets { get; set; } = [];

    /// <summary>The Graph API's address (a simulator's in tests and the demo).</summary>
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com/";

    /// <summary>Limit for one send; a slower answer is a timeout, and the send is not posted again (Meta has no idempotency key).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each Meta number's standing (quality, health, messaging limit, throughput) is polled; Meta pushes no colour
    /// (spec §2.7: every 5–15 min). The poll runs in the connection health pass, so it is at least HealthMonitor:Period.
    /// </summary>
    public TimeSpan StandingPollPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The token Meta's subscription check (<c>GET /webhooks/meta?hub.verify_token=</c>) must present. A secret.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>How often every WABA's templates are read again from the Graph API (also once at start); webhooks keep them current between.</summary>
    public TimeSpan TemplateSyncInterval { get; set; } = TimeSpan.FromMinutes(30);
}
