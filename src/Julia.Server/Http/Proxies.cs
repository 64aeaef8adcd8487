using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Julia.Server.Http;

/// <summary>
/// Section <c>Http:Proxies</c>: the reverse proxies (TLS terminators, ingress controllers) whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> this node believes. Only requests arriving from these addresses
/// or networks have the headers applied, so a caller reaching the node directly cannot claim to be loopback (which
/// opens <c>/metrics</c> and the demo keys) or to have come over TLS. None configured: the headers are ignored.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "Http:Proxies";

    /// <summary>Proxy IP addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] Addresses { get; set; } = [];
    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.244.0.0/16</c> (a Kubernetes pod network).</summary>
    public string[] Networks { get; set; } = [];
}

public static class Proxies
{
    public static void UseJuliaProxies(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<ProxySettings>>().Value;
        if (settings.Addresses.Length == 0 && settings.Networks.Length == 0) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // The framework trusts loopback by default; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var a in settings.Addresses) options.KnownProxies.Add(IPAddress.Parse(a));
        foreach (var n in settings.Networks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        app.UseForwardedHeaders(options);
    }
}
