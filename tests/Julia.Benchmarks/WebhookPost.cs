using System.Net.Http.Headers;

namespace Julia.Benchmarks;

/// <summary>
/// One webhook as a gateway sends it: the path, the body's bytes and the header that authenticates it (a secret, or
/// Meta's signature). Built before a measured slice, so the load generator's own JSON and HMAC cost stays out of it.
/// </summary>
public sealed record WebhookPost(string Path, byte[] Body, string Header, string Value)
{
    public HttpRequestMessage Request()
    {
        var req = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(Body) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.Add(Header, Value);
        return req;
    }
}
