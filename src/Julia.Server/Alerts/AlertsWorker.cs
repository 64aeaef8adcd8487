using Julia.Domain.Alerts;
using Julia.Grains.Alerts;
using Julia.Providers.Notifiers;
using Julia.Server.Workers;
using Julia.Storage.Alerts;
using Microsoft.Extensions.Options;

namespace Julia.Server.Alerts;

/// <summary>
/// Tells people about alerts. Each pass, on every node: checks the pool cycle is not late (a grain whose reminder
/// stopped cannot say so itself); judges each channel's health (a channel failing for
/// <see cref="AlertsOptions.FailingAfter"/> raises one notifier_failing alert, resolved by its next success); then,
/// per channel and all channels at once, creates the notices it is missing and sends the due ones, each claimed on
/// its own under a lease (SKIP LOCKED: two nodes never send one notice at once). A failed notice is retried with
/// exponential backoff (a 429's Retry-After respected) up to MaxAttempts. A channel that is down only delays its
/// own notices: the others are claimed and sent apart from it.
/// </summary>
public sealed class AlertsWorker(IEnumerable<INotifier> notifiers, DeliveryStore deliveries, AlertStore alerts, AlertMonitor monitor,
                                 IOptions<AlertsOptions> options, Julia.Grains.Clock time,
                                 ILogger<AlertsWorker> log) : PollingWorker(log)
{
    readonly INotifier[] _channels = [.. notifiers];

    protected override bool Enabled => options.Value.Enabled;
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    public IReadOnlyList<string> Channels => [.. _channels.Select(x => x.Channel)];

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await monitor.CheckCycleAsync(now, ct)) log.LogWarning("The pool's minute cycle is late: alert raised");
        foreach (var n in _channels) await CheckChannelAsync(n.Channel, now, ct);
        var sent = await Task.WhenAll(_channels.Select(n => DeliverAsync(n, ct)));
        return sent.Sum();
    }

    async Task CheckChannelAsync(string channel, DateTimeOffset now, CancellationToken ct)
    {
        var state = await deliveries.StateAsync(channel, ct);
        var subject = AlertKinds.Channel(channel);
        if (Delivery.ChannelFailing(state.FailingSince, now, options.Value.FailingAfter))
        {
            var since = (int)(now - state.FailingSince!.Value).TotalMinutes;
            if (await alerts.RaiseAsync(EventAlerts.NotifierFailing(channel, since, state.LastError), options.Value.Cooldown, now, ct) == Raised.New)
                log.LogWarning("Alert channel {Channel} has been failing for {Minutes} min", channel, since);
        }
        else if (state.FailingSince is null && await alerts.ResolveAsync(AlertKinds.NotifierFailing, subject, AlertMonitor.Actor, now, ct) > 0)
            log.LogInformation("Alert channel {Channel} delivers again", channel);
    }

    async Task<int> DeliverAsync(INotifier notifier, CancellationToken ct)
    {
        int done = 0;
        try
        {
            await deliveries.EnqueueAsync(notifier.Channel, options.Value.Horizon, time.GetUtcNow(), ct);
            while (done < options.Value.BatchSize)
            {
                var claimed = await deliveries.ClaimAsync(notifier.Channel, 1, options.Value.Lease, time.GetUtcNow(), ct);
                if (claimed.Count == 0) break;
                await SendAsync(notifier, claimed[0], ct);
                done++;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The channel's name only: a notifier's configuration is secret.
            log.LogWarning("Alert channel {Channel}: pass failed: {Error}", notifier.Channel, e.GetType().Name);
        }
        return done;
    }

    async Task SendAsync(INotifier notifier, ClaimedNotice c, CancellationToken ct)
    {
        var notice = new AlertNotice(c.AlertId, c.AlertKind, c.Severity, c.Subject, c.Message, c.Resolved);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.SendTimeout);
            try { await notifier.SendAsync(notice, timeout.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new NotifyFailedException($"{notifier.Channel} timed out"); }
            if (!await deliveries.SentAsync(c, time.GetUtcNow(), ct))
                log.LogWarning("Alert {Alert} on {Channel}: sent, but the claim had passed to another node", c.AlertId, notifier.Channel);
        }
        catch (NotifyFailedException e)
        {
            var now = time.GetUtcNow();
            var giveUp = c.Attempts >= options.Value.MaxAttempts;
            var next = now + Delivery.Backoff(c.Attempts, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay, e.RetryAfter);
            await deliveries.FailedAsync(c, e.Message, next, giveUp, now, ct);
            if (giveUp) log.LogWarning("Alert {Alert} on {Channel}: given up after {Attempts} attempts: {Error}", c.AlertId, notifier.Channel, c.Attempts,
                e.Message);
            else log.LogInformation("Alert {Alert} on {Channel}: attempt {Attempts} failed, next at {Next:HH:mm:ss}: {Error}", c.AlertId, notifier.Channel,
                c.Attempts, next, e.Message);
        }
    }
}
