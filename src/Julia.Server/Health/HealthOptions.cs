namespace Julia.Server.Health;

/// <summary>Section <c>Julia:Health</c>: when <c>/health/deep</c> calls the queues late.</summary>
public sealed class HealthOptions
{
    public const string Section = "Julia:Health";

    /// <summary>The oldest due message waiting longer than this makes the queues check degraded.</summary>
    public TimeSpan QueueLagLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The oldest due webhook event waiting longer than this makes the queues check degraded.</summary>
    public TimeSpan InboxLagLimit { get; set; } = TimeSpan.FromMinutes(1);
}
