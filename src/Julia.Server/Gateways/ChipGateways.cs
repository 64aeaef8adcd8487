using System.Collections.Concurrent;
using System.Diagnostics;
using Julia.Providers;
using Julia.Providers.Webhooks;
using Julia.Storage.Chips;

namespace Julia.Server.Gateways;

/// <summary>
/// Chips' gateway credentials by id and by instance, cached for a short while: every send and every
/// webhook needs them, and they change only when an operator edits a chip.
/// </summary>
public sealed class ChipGateways(ChipStore chips, Julia.Storage.Meta.MetaChipStore metaChips) : IChipKeys
{
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    readonly ConcurrentDictionary<long, (GatewayTarget? Target, long At)> _byId = new();
    readonly ConcurrentDictionary<string, (ChipKeys? Chip, long At)> _byInstance = new();

    public async ValueTask<GatewayTarget?> TargetAsync(long chipId, CancellationToken ct)
    {
        if (_byId.TryGetValue(chipId, out var hit) && Stopwatch.GetElapsedTime(hit.At) < Ttl) return hit.Target;
        var g = await chips.GatewayAsync(chipId, ct);
        var target = g is { } x ? new GatewayTarget(x.Instance, x.Token, x.Provider) : null;
        if (target is { Provider: "meta" }) target = target with { GraphVersion = (await metaChips.GetAsync(chipId, ct))?.GraphVersion };
        _byId[chipId] = (target, Stopwatch.GetTimestamp());
        return target;
    }

    public async ValueTask<ChipKeys?> ByInstanceAsync(string instance, CancellationToken ct)
    {
        if (_byInstance.TryGetValue(instance, out var hit) && Stopwatch.GetElapsedTime(hit.At) < Ttl) return hit.Chip;
        var found = await chips.ByInstanceAsync(instance, ct) is { } f ? new ChipKeys(f.Id, f.Token, f.WebhookSecret) : null;
        // Only hits are cached: a miss answered from cache would refuse (4xx, which Evolution does not
        // retry) the webhooks of a chip registered a moment later.
        if (found is not null) _byInstance[instance] = (found, Stopwatch.GetTimestamp());
        return found;
    }
}
