using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Domain.Sending;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Conversations;
using Julia.Grains.Pool;
using Julia.Providers;
using Julia.Providers.Meta;
using Julia.Server.Gateways;
using Julia.Storage.Outbox;
using Microsoft.Extensions.Options;

namespace Julia.Server.Outbox;

/// <summary>
/// Sends queued messages. Each pass claims due (or lease-expired) messages, re-runs selection for each one (so
/// guardrails are checked again at send time), calls the gateway, reports its provider-neutral result to the chip
/// that sent (one grain call, which applies the chip-side effect and answers the send policy's verdict), and carries
/// the verdict out fenced on the claim. What a result or a refusal means is <see cref="SendPolicy"/>'s to say, not
/// this worker's. A send the gateway did not answer is in doubt: it is sent nowhere until the gateway's echo settles it
/// (<see cref="Inbox.InboxRouter"/>) or, claimed again after <see cref="OutboxOptions.InDoubtWait"/>, the gateway is asked
/// about it here and the policy says what its answer means. Delivery is at least once only where the gateway answered:
/// a node that dies between the gateway's answer and its own commit leaves a message that is sent again when its lease
/// expires.
/// </summary>
public sealed class OutboxWorker(OutboxStore store, IGrainFactory grains, PoolSettings pool, Storage.Conversations.ConversationStore conversations,
    IMessageGateway gateway, ChipGateways targets,
                                 Trust.TrustWorker trust, SendPolicy policy, Clock time, IOptions<OutboxOptions> options,
                                 ILogger<OutboxWorker> log, Storage.Meta.MetaTemplateStore templates)
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
        var now = time.GetUtcNow();
        if (claimed.Rescued) log.LogInformation("Message {Id} reclaimed after an expired lease (attempt {Attempt})", m.Id, m.Attempts);
        var facts = new MessageFacts(m.Attempts, m.TriedChips.Length, m.ExpiresAt, m.LastError);
        // In doubt it may have gone, even past its validity: only the gateway's word settles it.
        if (m.InDoubt)
        {
            await AskAsync(m, facts, ct);
            return;
        }
        if (SendPolicy.BeforeSend(facts, now) is { } expired)
        {
            await CarryOutAsync(expired, m, null, null, now, ct);
            return;
        }
        if (!Phone.TryParse(m.Contact, out var contact) || !MessageKinds.TryParse(m.Kind, out var kind))
        {
            await Fenced(() => store.FinishAsync(m, "failed", null, null, "unreadable contact or kind", null, now, ct), m);
            return;
        }

        // A message with a template: its category (from the WABAs' templates) tells selection whether it is marketing.
        var known = m.Template is { } t ? await templates.FindAsync(t.Name, t.Language, ct) : null;
        var ask = m.Template is { } a ? new TemplateAsk(a.Name, a.Language, TemplateRules.Category(known!)) : null;
        var outcome = await grains.GetGrain<IConversationGrain>(contact.E164).SelectMessageAsync(kind.ToWire(), m.TriedChips, ask);
        if (outcome.Refused is { Refusal: var r })
        {
            await CarryOutAsync(policy.OnRefusal(r.Code, r.RetryAt, facts, now, Random.Shared.NextDouble()), m, null, null, now, ct);
            return;
        }
        var selected = outcome.Selected!;
        var chip = selected.Chip;
        // After a migration the doctor hears that this is Julia's new number before anything else from
        // it: the announcement leads the first message sent from the new number (one send, so in order).
        // (A template cannot carry it: it goes with the next free text.)
        bool announce = selected.AnnouncementPending && !selected.AsTemplate;
        var text = announce ? (await pool.GetAsync(ct)).Announcement + "\n\n" + m.Text : m.Text;
        var target = await targets.TargetAsync(chip.Id, ct);
        if (target is null)
        {
            await Fenced(() => store.RequeueAsync(m, now, chip.Id, "chip vanished", null, countAttempt: false, now, ct), m);
            return;
        }

        MetaTemplate? template = null;
        if (selected.AsTemplate)
        {
            // Outside the doctor's window on this Meta number: only the template goes, and only if the chip's WABA has it approved
            // now (read at each send, so a template paused a moment ago stops here).
            var waba = (await targets.MetaAsync(chip.Id, ct))?.WabaId;
            if (TemplateRules.Refusal(known!, waba, m.Template!.Parameters.Length) is { } refused)
            {
                await CarryOutAsync(policy.OnRefusal(refused, null, facts, now, 0), m, chip.Id, null, now, ct);
                return;
            }
            template = new MetaTemplate(m.Template!.Name, m.Template.Language, m.Template.Parameters);
        }

        var started = time.GetUtcNow();
        var result = template is null ? await gateway.SendTextAsync(target with { MessageId = m.Id }, m.Contact, text, ct)
            : await gateway.SendTemplateAsync(target with { MessageId = m.Id }, m.Contact, template, ct);
        Julia.Grains.Observability.JuliaMetrics.Sent(result.Outcome.ToWire());
        now = time.GetUtcNow();
        trust.Touched(chip.Id);
        var (verdict, breaker) = await grains.ReportSendAsync(chip.Id, result, facts, policy, now);
        if (breaker is not null) log.LogWarning("Chip {Chip} breaker {Change}", chip.Id, breaker);
        await CarryOutAsync(verdict, m, chip.Id, new Attempt(chip.Id, started, result.Outcome, result.Detail), now, ct, result.MessageId,
            new Doubt(text, started));
        // In doubt, the announcement is not marked as made: a later message may carry it again, which is better than none.
        if (verdict.Step == SendStep.Done && announce) await conversations.AnnouncedAsync(m.Contact, chip.Id, ct);
    }

    /// <summary>
    /// A message in doubt whose wait is over: asks its chip's gateway whether the text went, and carries out what the policy
    /// makes of the answer. A chip gone from the gateways cannot be asked: the gateway cannot say.
    /// </summary>
    async Task AskAsync(Message m, MessageFacts facts, CancellationToken ct)
    {
        var chipId = m.ChipId!.Value;
        var target = await targets.TargetAsync(chipId, ct);
        var answer = target is null
            ? SendLookup.Unknown("the chip has no gateway to ask")
            : await gateway.FindSentAsync(target with { MessageId = m.Id }, m.Contact, m.SentText!, m.InDoubtSince!.Value, ct);
        var now = time.GetUtcNow();
        log.LogInformation("Message {Id} in doubt since {Since}: the gateway says {Answer} {Detail}", m.Id, m.InDoubtSince, answer.Answer, answer.Detail);
        await CarryOutAsync(policy.OnLookup(answer, facts, now, Random.Shared.NextDouble()), m, chipId, null, now, ct, answer.MessageId, lookup: true);
    }

    /// <summary>What a send in doubt is kept with: the text it went with and when it started.</summary>
    sealed record Doubt(string Text, DateTimeOffset Since);

    /// <summary>
    /// Writes the verdict, fenced on the claim. <paramref name="attempt"/>: the gateway call made (null when the message
    /// waited or stopped before one), which the attempt log keeps and which counts as an attempt. <paramref name="lookup"/>:
    /// the verdict is on the gateway's answer about a message in doubt (its send was counted when it was made).
    /// </summary>
    Task CarryOutAsync(SendVerdict v, Message m, long? chipId, Attempt? attempt, DateTimeOffset now, CancellationToken ct, string? providerId = null,
                       Doubt? doubt = null, bool lookup = false) =>
        Fenced(v.Step switch
        {
            SendStep.Done when lookup => () => store.ConfirmAsync(m, providerId!, now, ct),
            SendStep.Done => () => store.SentAsync(m, chipId!.Value, providerId!, attempt!.StartedAt, now, ct),
            SendStep.InDoubt => () => store.InDoubtAsync(m, chipId!.Value, doubt?.Text, doubt?.Since ?? m.InDoubtSince!.Value, v.At!.Value, v.Reason, attempt,
                now, ct, log: v.Logged, detail: v.Note),
            SendStep.Wait => () => store.RequeueAsync(m, v.At!.Value, null, v.Reason, attempt, countAttempt: lookup || attempt is not null, now, ct,
                log: v.Logged, detail: v.Note),
            SendStep.AnotherChip => () => store.RequeueAsync(m, v.At!.Value, chipId, v.Reason, attempt, countAttempt: true, now, ct),
            _ => () => store.FinishAsync(m, v.Status!, chipId, null, v.Reason, attempt, now, ct),
        }, m);

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
