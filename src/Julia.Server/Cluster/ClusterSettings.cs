namespace Julia.Server.Cluster;

/// <summary>
/// Section <c>Orleans</c>: how this node joins the cluster. Nodes sharing a database and a
/// <see cref="ClusterId"/> form one cluster; <see cref="ServiceId"/> names the grain state and reminders
/// they share, and must stay the same across deployments.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "julia";
    public string ServiceId { get; set; } = "julia-grains";
    /// <summary>Silo-to-silo port; 0 picks a free one (one machine, the embedded default).</summary>
    public int SiloPort { get; set; }
    /// <summary>Port for Orleans clients (<c>UseOrleansClient</c>); 0 picks a free one.</summary>
    public int GatewayPort { get; set; }
    /// <summary>
    /// The address other nodes reach this one at: an IP address, or <c>auto</c> for this machine's first non-loopback
    /// IPv4 address (a container's own address), or a CIDR network to pick this machine's address in. The container image sets <c>auto</c>; Kubernetes passes
    /// the pod IP.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
    /// <summary>How long a grain call may take before the caller sees a timeout (then it retries with the same request id).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
