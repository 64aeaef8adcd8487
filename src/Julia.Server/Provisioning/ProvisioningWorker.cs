using Julia.Domain.Chips;
using Julia.Domain.Phones;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Providers;
using Julia.Providers.Evolution;
using Julia.Providers.Provisioning;
using Julia.Server.Workers;
using Julia.Storage.Chips;
using Julia.Storage.Provisioning;
using Microsoft.Extensions.Options;

namespace Julia.Server.Provisioning;

/// <summary>
/// Turns provisioning requests into chips waiting for their QR: buy a number (idempotency key = request id),
/// register the chip as provisioned (through its grain), create its Evolution instance (token fixed at the first claim), set the
/// instance's webhook with its secret, move the chip to pending. Each step is safe to run again: the purchase
/// by its key, the registration by the instance name (unique per request), the instance by "already in use",
/// the webhook by replacing it. So a request claimed again after its node died (its lease expired) finishes
/// the same chip, never a second one. A failed attempt backs off on the row (durable, across nodes); a
/// permanent failure or the last attempt fails the request and alerts. Requests come from the pool manager
/// or an operator; nothing here provisions because a number was restricted (policy).
/// Secrets (instance token, webhook secret, provider key) are never logged; phones only masked.
/// </summary>
public sealed class ProvisioningWorker(ProvisionStore requests, ChipStore chips, IGrainFactory grains, INumberProvider numbers, EvolutionClient evolution,
                                       IOptions<ProvisioningOptions> options, IOptions<Julia.Providers.Provisioning.SalvyOptions> provider, Clock time,
                                       ILogger<ProvisioningWorker> log) : PollingWorker(log)
{
    // Without a number provider, requests wait (and count as on their way, so the pool manager asks for no more).
    protected override bool Enabled => options.Value.Enabled && provider.Value.BaseUrl is not null;
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await requests.FailExhaustedAsync(options.Value.MaxAttempts, now, ct) is > 0 and var n)
            log.LogWarning("{Count} provisioning request(s) failed: their node stopped during the last attempt", n);
        var claimed = await requests.ClaimAsync(4, options.Value.MaxAttempts, options.Value.Lease, now, ct);
        foreach (var claim in claimed) await ProvisionAsync(claim, ct);
        return claimed.Count;
    }

    async Task ProvisionAsync(ProvisionClaim claim, CancellationToken ct)
    {
        string? masked = claim.Phone is { } p ? Phone.Mask(p) : null;
        try
        {
            // 1. The number. Asked again on every attempt until stored: the key makes a repeat return the same one.
            var phoneText = claim.Phone;
            if (phoneText is null)
            {
                var bought = await numbers.BuyAsync(claim.Ddd, $"provision-{claim.Id}", ct);
                if (!Phone.TryParseBrazilian(bought.Phone, out var parsed) || parsed.Ddd is null)
                    throw new ProviderException($"number provider answered a phone that is not Brazilian ({Phone.Mask(bought.Phone)})", permanent: true);
                phoneText = parsed.E164;
                masked = parsed.Masked;
                if (!await requests.BoughtAsync(claim, bought.Id, phoneText, masked, ct)) { Lost(claim); return; }
                log.LogInformation("Provisioning request {Request}: bought {MaskedPhone}", claim.Id, masked);
            }
            var phone = Phone.Parse(phoneText);

            // 2. The chip, so webhooks from its instance (the QR) find it from the first one.
            var chipId = claim.ChipId ?? await RegisterAsync(claim, phone, ct);
            if (claim.ChipId is null && !await requests.RegisteredAsync(claim, chipId, ct)) { Lost(claim); return; }

            // 3. The instance and 4. its webhook.
            var target = new GatewayTarget(claim.Instance, claim.InstanceToken);
            if (!await evolution.CreateInstanceAsync(claim.Instance, claim.InstanceToken, ct))
                log.LogInformation("Provisioning request {Request}: instance {Instance} already exists (an earlier attempt made it)", claim.Id, claim.Instance);
            var url = options.Value.WebhookUrl ?? throw new ProviderException("Provisioning:WebhookUrl is not set: the new instance's events would go nowhere",
                permanent: true);
            await evolution.SetWebhookAsync(target, url, ProvisioningOptions.WebhookEvents,
                new Dictionary<string, string> { ["X-Webhook-Secret"] = claim.WebhookSecret, ["Content-Type"] = "application/json" }, ct);

            // 5. Waiting for its QR to be scanned: the chip's grain moves it.
            var now = time.GetUtcNow();
            var moved = await grains.GetGrain<IChipGrain>(chipId).InstanceReadyAsync(new InstanceReady(ProvisionStore.Actor,
                "instance created and webhook set: waiting for QR pairing", now));
            if (moved.Outcome == "not_found") throw new ProviderException($"chip {chipId} disappeared", permanent: true);
            // Not moved: an earlier attempt moved it already (or an operator paused it): either way this request's work is done.
            if (await requests.DoneAsync(claim, chipId, masked ?? "", now, ct))
                log.LogInformation("Provisioning request {Request} done: chip {Chip} ({MaskedPhone}) waits for its QR pairing", claim.Id, chipId, masked);
            else Lost(claim);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // stopping: the claim expires and another attempt carries on from the steps stored
        }
        catch (Exception e)
        {
            var permanent = e is ProviderException { Permanent: true };
            var error = e is ProviderException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            var now = time.GetUtcNow();
            var status = await requests.FailAsync(claim, error, permanent, options.Value.MaxAttempts,
                now + options.Value.Backoff(claim.Attempts, Random.Shared.NextDouble()), now, ct);
            if (status == "failed")
                log.LogError("Provisioning request {Request} failed after {Attempts} attempt(s): {Error}", claim.Id, claim.Attempts, error);
            else if (status is null) Lost(claim);
            else log.LogWarning("Provisioning request {Request} attempt {Attempt} failed, will retry: {Error}", claim.Id, claim.Attempts, error);
        }
    }

    /// <summary>
    /// Registers the chip as provisioned through its grain (a number bought now: the domain's first trust score for
    /// age 0 at R1), or finds the one an earlier attempt registered (same instance name).
    /// </summary>
    async Task<long> RegisterAsync(ProvisionClaim claim, Phone phone, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = await chips.NewIdAsync(ct);
        var registered = await grains.GetGrain<IChipGrain>(id).RegisterAsync(new ChipRegistration(phone.E164, phone.Ddd!.Value, claim.Instance,
            claim.InstanceToken, claim.WebhookSecret, "evolution", ChipStatus.Provisioned.ToWire(), Connected: false, AccountCreatedAt: now,
            ProvisionStore.Actor, now));
        if (registered.Outcome == "done") return id;
        if (await requests.ChipByInstanceAsync(claim.Instance, ct) is { } existing) return existing.Id;
        throw new ProviderException($"the bought number {phone.Masked} is already registered as another chip", permanent: true);
    }

    void Lost(ProvisionClaim claim) =>
        log.LogWarning("Provisioning request {Request}: the claim was lost (lease expired, another node took it); stopping this attempt", claim.Id);
}
