using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Julia.Simulator;

/// <summary>
/// Delivers webhooks the way Evolution does: POST to the instance's URL with its headers, up to 10
/// tries with doubling waits on anything but a 4xx, and gives up on a 4xx.
/// </summary>
internal sealed class Webhooks : IAsyncDisposable
{
    readonly Channel<(InstanceSpec Instance, object Body)> _queue = Channel.CreateUnbounded<(InstanceSpec, object)>();
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    readonly SimulatorOptions _options;
    readonly List<Task> _workers = [];
    readonly CancellationTokenSource _stop = new();
    long _delivered, _failed;

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);

    public Webhooks(SimulatorOptions options)
    {
        _options = options;
        for (int i = 0; i < 4; i++) _workers.Add(Task.Run(WorkAsync));
    }

    public void Send(InstanceSpec instance, object body) => _queue.Writer.TryWrite((instance, body));

    async Task WorkAsync()
    {
        try
        {
            await foreach (var (instance, body) in _queue.Reader.ReadAllAsync(_stop.Token))
                await DeliverAsync(instance, body);
        }
        catch (OperationCanceledException) { }
    }

    async Task DeliverAsync(InstanceSpec instance, object body)
    {
        var url = instance.WebhookUrl ?? _options.WebhookUrl;
        if (url is null) return;
        var delay = _options.WebhookRetryDelay;
        for (int attempt = 1; attempt <= 10 && !_stop.IsCancellationRequested; attempt++)
        {
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
                if (instance.WebhookSecret is not null)
                {
                    if (instance.UseJwt) req.Headers.Authorization = new("Bearer", Jwt(instance.Name, instance.WebhookSecret, _options.Clock.GetUtcNow()));
                    else req.Headers.Add("X-Webhook-Secret", instance.WebhookSecret);
                }
                using var res = await _http.SendAsync(req, _stop.Token);
                var code = (int)res.StatusCode;
                if (code is >= 200 and < 300) { Interlocked.Increment(ref _delivered); return; }
                if (code is >= 400 and < 500) { Interlocked.Increment(ref _failed); return; } // Evolution stops on 4xx
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!_stop.IsCancellationRequested) { }
            try { await Task.Delay(delay, _stop.Token); } catch (OperationCanceledException) { return; }
            delay *= 2;
        }
        Interlocked.Increment(ref _failed);
    }

    /// <summary>Evolution's optional webhook JWT: HS256 over {iat, exp, app, action} with the instance's secret.</summary>
    static string Jwt(string instance, string secret, DateTimeOffset at)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = at.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new { iat = now, exp = now + 600, app = "evolution", action = "webhook", instance }));
        var sig = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{sig}";
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        try { await Task.WhenAll(_workers); } catch (OperationCanceledException) { }
        _http.Dispose();
    }
}
