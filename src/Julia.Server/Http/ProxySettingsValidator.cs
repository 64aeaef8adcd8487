using System.Net;
using Microsoft.Extensions.Options;

namespace Julia.Server.Http;

public sealed class ProxySettingsValidator : IValidateOptions<ProxySettings>
{
    public ValidateOptionsResult Validate(string? name, ProxySettings o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(ProxySettings o)
    {
        foreach (var a in o.Addresses) if (!IPAddress.TryParse(a, out _)) yield return $"Http:Proxies:Addresses: {a} is not an IP address";
        foreach (var n in o.Networks) if (!System.Net.IPNetwork.TryParse(n, out _)) yield return $"Http:Proxies:Networks: {n} is not a CIDR network";
    }
}
