using System.Net;
using System.Net.Sockets;

namespace Julia.Storage.Local;

/// <summary>
/// Ports for servers we start without configuration (a node's Orleans endpoints, the embedded PostgreSQL).
/// They are drawn below Linux's ephemeral range (32768+), where the kernel picks the local ports of outgoing
/// connections and of <c>bind(0)</c>: a port chosen there can be taken by some connection before our server binds it.
/// A port is handed out once per process, and only if it can be bound now.
/// </summary>
public static class LocalPorts
{
    const int From = 20_000, To = 32_000;
    static readonly HashSet<int> Given = [];

    public static int Next(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        for (int attempt = 0; attempt < 1_000; attempt++)
        {
            int port = Random.Shared.Next(From, To);
            lock (Given) if (!Given.Add(port)) continue;
            if (CanBind(address, port)) return port;
        }
        throw new InvalidOperationException($"no free TCP port between {From} and {To} on {address}");
    }

    static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException) { return false; }
    }
}
