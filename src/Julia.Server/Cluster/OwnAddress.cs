using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Julia.Server.Cluster;

/// <summary>
/// The address this node advertises to the other silos. An IP literal is taken as given (Kubernetes passes the
/// pod's IP through the downward API); <c>auto</c> picks the first IPv4 address of an interface that is up and not
/// loopback, which in a container is the address on the container network; a network in CIDR notation
/// (<c>172.28.1.0/24</c>) picks this machine's address in it, for a container on several networks (compose: the silo
/// network, not the database's). Never a load balancer's address:
/// silos must reach each other directly.
/// </summary>
public static class OwnAddress
{
    public const string Auto = "auto";

    public static bool IsValid(string configured) =>
        IPAddress.TryParse(configured, out _) || string.Equals(configured, Auto, StringComparison.OrdinalIgnoreCase) || IPNetwork.TryParse(configured, out _);

    public static IPAddress Resolve(string configured)
    {
        if (IPAddress.TryParse(configured, out var literal)) return literal;
        IPNetwork? within = string.Equals(configured, Auto, StringComparison.OrdinalIgnoreCase) ? null : IPNetwork.Parse(configured);
        var found = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && (within is null || within.Value.Contains(a)));
        return found ?? throw new InvalidOperationException($"Orleans:AdvertisedAddress is {configured}, "
            + "but this machine has no such IPv4 address besides loopback; set the address explicitly");
    }
}
