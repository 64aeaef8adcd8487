using Julia.Domain.Sending;
using Julia.Grains;
using Julia.Providers.Webhooks;
using Julia.Storage.Inbox;
using Microsoft.Extensions.Options;

namespace Julia.Server.Inbox;

/// <summary>Applies stored webhooks: claims, routes each (idempotently), marks the outcome; failures back off, then dead-letter.</summary>
public sealed class InboxWorker(InboxStore inbox, InboxRouter router, Clock time, IOptions<InboxOptions> options, ILogger<InboxWorker> log)
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
        await Parallel.ForEachAsync(items.OrderBy(i => i.Id).GroupBy(i => i.ChipId), new ParallelOptions
        {
            MaxDegreeOfParallelism = o.Parallelism,
            CancellationToken = ct
        },
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
            switch (await router.RouteAsync(item, ct))
            {
                case null:
                    await inbox.AppliedAsync(item, time.GetUtcNow(), ct);
                    break;
                case Ignored i:
                    await inbox.IgnoredAsync(item, i.Reason, ct);
                    break;
                case Held h:
                    log.LogInformation("Inbox event {Id} held until the phone of its LID is known", item.Id);
                    await inbox.HoldAsync(item, h.Key, h.Reason, time.GetUtcNow(), ct);
                    break;
                case TooEarly t:
                    await FailedAsync(item, t.Reason, dead: item.Attempts >= o.MaxAttempts, TimeSpan.FromMilliseconds(500 * item.Attempts), ct);
                    break;
                case Unusable u:
                    await FailedAsync(item, u.Reason, dead: true, TimeSpan.Zero, ct);
                    break;
                case var other:
                    await FailedAsync(item, $"not routed: {other}", dead: true, TimeSpan.Zero, ct);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailedAsync(item, e.Message, dead: item.Attempts >= o.MaxAttempts,
                Backoff.For(item.Attempts, o.RetryBaseDelay, TimeSpan.FromMinutes(5), Random.Shared.NextDouble()), ct);
        }
    }

    /// <summary>Tried again after <paramref name="wait"/>, or, when retrying cannot help, to the dead letters for an operator.</summary>
    async Task FailedAsync(InboxItem item, string error, bool dead, TimeSpan wait, CancellationToken ct)
    {
        if (dead) log.LogWarning("Inbox event {Id} ({Event}) dead-lettered: {Error}", item.Id, item.Event, error);
        await inbox.FailedAsync(item, error, time.GetUtcNow() + wait, dead, ct);
    }
}
