namespace Julia.Providers.Provisioning;

/// <summary>A number bought from the provider: its id there, and the phone in E.164.</summary>
public sealed record BoughtNumber(string Id, string Phone);

/// <summary>Where new WhatsApp numbers come from (a Brazilian virtual-number provider such as Salvy).</summary>
public interface INumberProvider
{
    /// <summary>
    /// Buys one number, in area code <paramref name="ddd"/> when given. The same <paramref name="idempotencyKey"/>
    /// returns the same number however often it is asked, so a retry after a lost answer buys nothing more.
    /// Throws <see cref="ProviderException"/>.
    /// </summary>
    Task<BoughtNumber> BuyAsync(int? ddd, string idempotencyKey, CancellationToken ct);
}
