namespace Julia.Providers.Webhooks;

/// <summary>Our chips' gateway credentials, by the gateway's own name for the number (Evolution: the instance).</summary>
public interface IChipKeys
{
    ValueTask<ChipKeys?> ByInstanceAsync(string instance, CancellationToken ct);
}
