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
    readonly TtlCache<long, GatewayTarget?> _byId = new(TimeSpan.FromSeconds(30));
    readonly TtlCache<string, ChipKeys?> _byInstance = new(TimeSpan.FromSeconds(30));
    readonly TtlCache<long, Julia.Storage.Meta.MetaChipRow?> _meta = new(TimeSpan.FromSeconds(30));

    public ValueTask<GatewayTarget?> TargetAsync(long chipId, CancellationToken ct) => _byId.GetAsync(chipId, async () =>
    {
        var g = await chips.GatewayAsync(chipId, ct);
        var target = g is { } x ? new GatewayTarget(x.Instance, x.Token, x.Provider) : null;
        return target is { Provider: "meta" } ? target with { GraphVersion = (await MetaAsync(chipId, ct))?.GraphVersion } : target;
    });

    /// <summary>
    /// A Meta chip's keys (its WABA, Graph version…; null for any other chip). Only hits are kept: the keys of a chip registered
    /// a moment ago are written just after its row.
    /// </summary>
    public ValueTask<Julia.Storage.Meta.MetaChipRow?> MetaAsync(long chipId, CancellationToken ct) =>
        _meta.GetAsync(chipId, () => metaChips.GetAsync(chipId, ct), keep: row => row is not null);

    // Only hits are kept (see TtlCache): a cached miss would refuse (4xx, which Evolution does not retry) the webhooks of a
    // chip registered a moment later.
    public ValueTask<ChipKeys?> ByInstanceAsync(string instance, CancellationToken ct) => _byInstance.GetAsync(instance,
        async () => await chips.ByInstanceAsync(instance, ct) is { } f ? new ChipKeys(f.Id, f.Token, f.WebhookSecret) : null,
        keep: found => found is not null);
}
