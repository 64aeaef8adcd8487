namespace Julia.Server.Cluster;

/// <summary>
/// Section <c>Orleans</c>: how this node joins the cluster. Nodes sharing a database and a
/// <see cref="ClusterId"/> form one cluster; <see cref="ServiceId"/> names the grain state and reminders
/// they share, and must stay the same across deployments.
/// </summary>
public sealed class ClusterSettings
{
    public string ClusterId { get; set; } = "julia";
    public string ServiceId { get; set; } = "julia-grains";
    /// <summary>Silo-to-silo port; 0 picks a free one (one machine, the embedded default).</summary>
    public int SiloPort { get; set; }
    /// <summary>Port for Orleans clients (<c>UseOrleansClient</c>); 0 picks a free one.</summary>
    public int GatewayPort { get; set; }
    /// <summary>
    /// The address other nodes reach this one at: an IP address, or <c>auto</c> for this machine's first non-loopback
    /// IPv4 address (a container's own address), or a CIDR network to pick this machine's address in. The container image sets <c>auto</c>; Kubernetes passes the pod IP.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
    /// <summary>How long a grain call may take before the caller sees a timeout (then it retries with the same request id).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId)) yield return "Orleans:ClusterId is required";
        if (string.IsNullOrWhiteSpace(ServiceId)) yield return "Orleans:ServiceId is required";
        if (SiloPort is < 0 or > 65535) yield return "Orleans:SiloPort must be a TCP port (0: any free one)";
        if (GatewayPort is < 0 or > 65535) yield return "Orleans:GatewayPort must be a TCP port (0: any free one)";
        if (SiloPort != 0 && SiloPort == GatewayPort) yield return "Orleans:SiloPort and Orleans:GatewayPort must differ";
        if (!OwnAddress.IsValid(AdvertisedAddress)) yield return "Orleans:AdvertisedAddress must be an IP address, auto, or a network (CIDR) to pick this machine's address in";
        if (ResponseTimeout < TimeSpan.FromSeconds(5) || ResponseTimeout > TimeSpan.FromSeconds(10)) yield return "Orleans:ResponseTimeout must be 5 to 10 seconds";
    }
}
