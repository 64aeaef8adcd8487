using Julia.Grains;
using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Julia.Providers;
using Julia.Server.Gateways;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;
using Julia.Grains.Pool;
using Julia.Storage.Outbox;
using Julia.Storage.Signals;
using Microsoft.Extensions.Options;

namespace Julia.Server.Outbox;

/// <summary>
/// Sends queued messages. Each pass claims due (or lease-expired) messages, re-runs selection for
/// each one (so guardrails are checked again at send time), calls the gateway, and records the
/// outcome fenced on the claim. A chip-specific failure retries on another chip (at most
/// <c>MaxChips</c>); a rate limit cools the chip down; a spam/restriction signal pauses the chip and
/// the pool gate and fails the message. Delivery is at least once: a node that dies between the
/// gateway's answer and its own commit leaves a message that is sent again when its lease expires.
/// </summary>
public sealed class OutboxWorker(OutboxStore store, IGrainFactory grains, PoolSettings pool, Storage.Conversations.ConversationStore conversations, IMessageGateway gateway, ChipGateways targets,
                                 Trust.TrustWorker trust, [FromKeyedServices(Names.Clock)] TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxWorker> log)
    : Workers.PollingWorker(log)
{
    long _fencedOut;

    /// <summary>Completions refused because the lease had passed to another node.</summary>
    public long FencedOut => Interlocked.Read(ref _fencedOut);

    protected override bool Enabled => options.Value.Enabled;
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    /// <summary>
    /// One pass: claims batches and processes them until a claim comes back short (nothing more is due).
    /// The next batch is claimed as soon as the last of this one has started, not when it has finished,
    /// so the sends in flight do not drain to none at the end of every batch. Returns how many messages
    /// were claimed.
    /// </summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        int total = 0;
        async IAsyncEnumerable<Claimed> Batches()
        {
            while (true)
            {
                List<Claimed>? claimed = null;
                try { claimed = await store.ClaimAsync(o.BatchSize, o.Lease, time.GetUtcNow(), ct); }
                // A later claim that fails (the database is briefly away) ends the pass quietly: thrown from here
                // it would cancel the sends of earlier batches still in flight. The first one's failure is the pass's.
                catch (Exception e) when (total > 0 && !ct.IsCancellationRequested)
                {
                    log.LogWarning("Outbox claim failed; the pass ends after the sends in flight: {Error}", e.Message);
                }
                if (claimed is null) yield break;
                total += claimed.Count;
                foreach (var c in claimed) yield return c;
                if (claimed.Count < o.BatchSize) yield break;
            }
        }
        // Each send runs on the worker's token, not the loop's own: one send that throws must not cancel the others.
        await Parallel.ForEachAsync(Batches(), new ParallelOptions { MaxDegreeOfParallelism = o.Parallelism, CancellationToken = ct },
            async (c, _) =>
            {
                try { await ProcessAsync(c, ct); }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // The lease will expire and another pass will take it again.
                    log.LogWarning("Message {Id} failed in processing: {Error}", c.Message.Id, e.Message);
                }
            });
        return total;
    }

    async Task ProcessAsync(Claimed claimed, CancellationToken ct)
    {
        var m = claimed.Message;
        var o = options.Value;
        var now = time.GetUtcNow();
        if (claimed.Rescued) log.LogInformation("Message {Id} reclaimed after an expired lease (attempt {Attempt})", m.Id, m.Attempts);
        if (now >= m.ExpiresAt)
        {
            await Fenced(() => store.FinishAsync(m, "expired", null, null, "validity ended", null, now, ct), m);
            return;
        }
        if (!Phone.TryParse(m.Contact, out var contact) || !MessageKinds.TryParse(m.Kind, out var kind))
        {
            await Fenced(() => store.FinishAsync(m, "failed", null, null, "unreadable contact or kind", null, now, ct), m);
            return;
        }

        var outcome = await grains.GetGrain<IConversationGrain>(contact.E164).SelectAsync(kind.ToWire(), m.TriedChips);
        if (outcome.Refused is { } refused)
        {
            await OnRefusedAsync(m, refused, now, ct);
            return;
        }
        var selected = outcome.Selected!;
        var chip = selected.Chip;
        // After a migration the doctor hears that this is Julia's new number before anything else from
        // it: the announcement leads the first message sent from the new number (one send, so in order).
        var text = selected.AnnouncementPending ? (await pool.GetAsync(ct)).Announcement + "\n\n" + m.Text : m.Text;
        var target = await targets.TargetAsync(chip.Id, ct);
        if (target is null)
        {
            await Fenced(() => store.RequeueAsync(m, now, chip.Id, "chip vanished", null, countAttempt: false, now, ct), m);
            return;
        }

        var started = time.GetUtcNow();
        var result = await gateway.SendTextAsync(target, m.Contact, text, ct);
        Julia.Grains.Observability.JuliaMetrics.Sent(result.Outcome.ToWire());
        now = time.GetUtcNow();
        var attempt = new Attempt(chip.Id, started, result.Outcome, result.Detail);
        var chipGrain = grains.GetGrain<IChipGrain>(chip.Id);
        trust.Touched(chip.Id);
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                await Fenced(() => store.SentAsync(m, chip.Id, result.MessageId!, started, now, ct), m);
                await Breaker(chipGrain, BreakerResult.Success, now);
                if (selected.AnnouncementPending) await conversations.AnnouncedAsync(m.Contact, chip.Id, ct);
                break;

            case SendOutcome.RateLimited:
                // The platform asked this number to slow down: it cools down and the message waits for it.
                await chipGrain.RateLimitedAsync(result.Detail ?? "rate limited", now);
                await Fenced(() => store.RequeueAsync(m, now + SignalStore.RateLimitCooldown, null, result.Detail, attempt, countAttempt: true, now, ct), m);
                break;

            case SendOutcome.SpamRestriction:
                await chipGrain.RestrictedAsync(result.Detail ?? "restricted", now);
                await Fenced(() => store.FinishAsync(m, "failed", chip.Id, null, "spam_restriction: " + result.Detail, attempt, now, ct), m);
                break;

            case SendOutcome.Permanent when !result.ChipSpecific:
                await Fenced(() => store.FinishAsync(m, "failed", chip.Id, null, result.Detail, attempt, now, ct), m);
                break;

            default:
                // Timeout, transient, or a permanent problem of this chip: try another chip, a few times.
                await Breaker(chipGrain, result.Outcome == SendOutcome.Timeout ? BreakerResult.Neutral : BreakerResult.Failure, now);
                if (m.TriedChips.Length + 1 >= o.MaxChips && result.Outcome is SendOutcome.Transient or SendOutcome.Timeout)
                    // The gateway itself may be down (every chip fails alike): the message waits for it, on this chip
                    // (not added to those tried), until it expires, instead of failing after a few minutes.
                    await Fenced(() => store.RequeueAsync(m, Min(now + Backoff.For(m.Attempts + 1, o.RetryBaseDelay, TimeSpan.FromMinutes(2), Random.Shared.NextDouble()), m.ExpiresAt),
                        null, result.Detail, attempt, countAttempt: true, now, ct), m);
                else if (m.TriedChips.Length + 1 >= o.MaxChips)
                    await Fenced(() => store.FinishAsync(m, "failed", chip.Id, null, $"failed on {o.MaxChips} chips; last: {result.Detail}", attempt, now, ct), m);
                else
                    await Fenced(() => store.RequeueAsync(m, now + Backoff.For(m.TriedChips.Length + 1, o.RetryBaseDelay, TimeSpan.FromMinutes(1), Random.Shared.NextDouble()),
                        chip.Id, result.Detail, attempt, countAttempt: true, now, ct), m);
                break;
        }
    }

    async Task OnRefusedAsync(Message m, Refused refused, DateTimeOffset now, CancellationToken ct)
    {
        var r = refused.Refusal;
        switch (r.Code)
        {
            case "contact_opted_out" or "no_lawful_basis" or "contact_abroad":
                await Fenced(() => store.FinishAsync(m, "blocked", null, null, r.Code, null, now, ct), m);
                break;
            default:
                // Pacing, the window, the gate, or no chip free now: wait (not an attempt), until it expires.
                // The timeline says why once, when the reason changes, not on every pass.
                var at = r.RetryAt ?? now + Backoff.For(Math.Max(1, m.Attempts), options.Value.RetryBaseDelay, TimeSpan.FromMinutes(2), Random.Shared.NextDouble());
                if (at >= m.ExpiresAt) at = m.ExpiresAt;
                await Fenced(() => store.RequeueAsync(m, at, null, r.Code, null, countAttempt: false, now, ct, log: m.LastError != r.Code,
                    detail: $"waiting: {r.Code} until {at.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}"), m);
                break;
        }
    }

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    async Task Breaker(IChipGrain chip, BreakerResult result, DateTimeOffset now)
    {
        if (await chip.BreakerAsync(result, now) is { } change)
            log.LogWarning("Chip {Chip} breaker {Change}", chip.GetPrimaryKeyLong(), change);
    }

    /// <summary>
    /// Writes a completion. If the database is briefly unreachable (a restart, a failover) the write is
    /// retried while the lease is still ours: giving up would let the lease expire and the message be
    /// sent again. A completion the fence refuses is counted and logged, never silent.
    /// </summary>
    async Task Fenced(Func<Task<bool>> completion, Message m)
    {
        var leaseEnds = (m.LeaseExpiresAt ?? time.GetUtcNow()) - TimeSpan.FromSeconds(1);
        bool done;
        while (true)
        {
            try { done = await completion(); break; }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException && time.GetUtcNow() < leaseEnds)
            {
                log.LogWarning("Message {Id}: completion not written ({Error}); retrying while the lease lasts", m.Id, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
        if (!done)
        {
            Interlocked.Increment(ref _fencedOut);
            log.LogWarning("Message {Id}: lease lost before completion; the newer owner's outcome stands", m.Id);
        }
    }
}
