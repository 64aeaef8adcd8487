using Julia.Grains;
using Julia.Domain.Sending;
using Julia.Storage.Inbox;
using Microsoft.Extensions.Options;

namespace Julia.Server.Inbox;

/// <summary>Section <c>Inbox</c>.</summary>
public sealed class InboxOptions
{
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 128;
    public int Parallelism { get; set; } = 8;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Tries before an event goes to the dead letters (an operator can replay it).</summary>
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public bool Enabled { get; set; } = true;
}

/// <summary>An event that retrying cannot fix: it goes straight to the dead letters.</summary>
public sealed class PermanentEventError(string message) : Exception(message);

/// <summary>A valid event with nothing for us to do (e.g. a sender that is not a phone number): kept as ignored with the reason.</summary>
public sealed class IgnoredEventError(string reason) : Exception(reason);

/// <summary>A doctor's message from a LID whose phone we do not know yet: held until an event tells us.</summary>
public sealed class HeldEventError(string lid) : Exception($"sender known only by LID {lid}; waiting for its phone number")
{
    public string Lid { get; } = lid;
}

/// <summary>An event that came too early (a receipt for a send not yet recorded): try again soon.</summary>
public sealed class NotYetError(string message) : Exception(message);

/// <summary>Applies stored webhooks: claims, applies (idempotently), marks applied; failures back off, then dead-letter.</summary>
public sealed class InboxWorker(InboxStore inbox, InboxApplier applier, [FromKeyedServices(Names.Clock)] TimeProvider time, IOptions<InboxOptions> options, ILogger<InboxWorker> log)
    : Workers.PollingWorker(log)
{
    protected override bool Enabled => options.Value.Enabled;
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var items = await inbox.ClaimAsync(o.BatchSize, o.Lease, time.GetUtcNow(), ct);
        // Events of one chip are applied in arrival order (ids; the claim returns rows in no set order);
        // different chips in parallel.
        await Parallel.ForEachAsync(items.OrderBy(i => i.Id).GroupBy(i => i.ChipId), new ParallelOptions { MaxDegreeOfParallelism = o.Parallelism, CancellationToken = ct },
            async (group, token) =>
            {
                foreach (var item in group) await ApplyOneAsync(item, token);
            });
        return items.Count;
    }

    async Task ApplyOneAsync(InboxItem item, CancellationToken ct)
    {
        var o = options.Value;
        try
        {
            await applier.ApplyAsync(item, ct);
            await inbox.AppliedAsync(item, time.GetUtcNow(), ct);
        }
        catch (IgnoredEventError e)
        {
            await inbox.IgnoredAsync(item, e.Message, ct);
        }
        catch (HeldEventError e)
        {
            log.LogInformation("Inbox event {Id} held until the phone of its LID is known", item.Id);
            await inbox.HoldAsync(item, e.Lid, e.Message, time.GetUtcNow(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            bool dead = e is PermanentEventError || item.Attempts >= o.MaxAttempts;
            var wait = e is NotYetError ? TimeSpan.FromMilliseconds(500 * item.Attempts)
                : Backoff.For(item.Attempts, o.RetryBaseDelay, TimeSpan.FromMinutes(5), Random.Shared.NextDouble());
            if (dead) log.LogWarning("Inbox event {Id} ({Event}) dead-lettered: {Error}", item.Id, item.Event, e.Message);
            await inbox.FailedAsync(item, e.Message, time.GetUtcNow() + wait, dead, ct);
        }
    }
}
