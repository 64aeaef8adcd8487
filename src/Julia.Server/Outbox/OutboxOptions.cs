using Julia.Domain.Sending;

namespace Julia.Server.Outbox;

/// <summary>Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How long a claimed message belongs to its node; an expired lease is reclaimed by any node.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 64;
    /// <summary>
    /// Sends in flight at once on this node. A send mostly waits (on the gateway, on commits), and sends that
    /// finish together share one commit, so more in flight costs little and writes less per message.
    /// </summary>
    public int Parallelism { get; set; } = 32;
    /// <summary>How often an idle worker looks for due messages (a local enqueue wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Default validity of a message when the caller gives no expiresAt.</summary>
    public TimeSpan DefaultValidity { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Different chips one message may try before it fails.</summary>
    public int MaxChips { get; set; } = SendPolicy.DefaultMaxChips;
    public TimeSpan RetryBaseDelay { get; set; } = SendPolicy.DefaultRetryBaseDelay;
    /// <summary>
    /// How long a send in doubt (the gateway did not answer) waits for the gateway's own word before the gateway is asked,
    /// and between two questions it could not answer. It is never sent again before.
    /// </summary>
    public TimeSpan InDoubtWait { get; set; } = SendPolicy.DefaultInDoubtWait;
    public bool Enabled { get; set; } = true;

    /// <summary>The send policy these settings make (the chip grains and the worker apply it).</summary>
    public SendPolicy Policy => new() { MaxChips = MaxChips, RetryBaseDelay = RetryBaseDelay, InDoubtWait = InDoubtWait };
}
