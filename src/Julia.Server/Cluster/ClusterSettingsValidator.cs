using Microsoft.Extensions.Options;

namespace Julia.Server.Cluster;

public sealed class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    public ValidateOptionsResult Validate(string? name, ClusterSettings o) =>
        Problems(o).ToList() is { Count: > 0 } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;

    static IEnumerable<string> Problems(ClusterSettings o)
    {
        if (string.IsNullOrWhiteSpace(o.ClusterId)) yield return "Orleans:ClusterId is required";
        if (string.IsNullOrWhiteSpace(o.ServiceId)) yield return "Orleans:ServiceId is required";
        if (o.SiloPort is < 0 or > 65535) yield return "Orleans:SiloPort must be a TCP port (0: any free one)";
        if (o.GatewayPort is < 0 or > 65535) yield return "Orleans:GatewayPort must be a TCP port (0: any free one)";
        if (o.SiloPort != 0 && o.SiloPort == o.GatewayPort) yield return "Orleans:SiloPort and Orleans:GatewayPort must differ";
        if (!OwnAddress.IsValid(o.AdvertisedAddress))
            yield return "Orleans:AdvertisedAddress must be an IP address, auto, or a network (CIDR) to pick this machine's address in";
        if (o.ResponseTimeout < TimeSpan.FromSeconds(5) || o.ResponseTimeout > TimeSpan.FromSeconds(10))
            yield return "Orleans:ResponseTimeout must be 5 to 10 seconds";
    }
}
