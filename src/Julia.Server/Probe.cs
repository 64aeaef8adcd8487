namespace Julia.Server;

/// <summary>
/// <c>probe [PATH]</c>: asks this machine's own node for PATH (default <c>/health/ready</c>) and exits 0 on a 2xx
/// answer, 1 otherwise. The container image's health check runs it, since the runtime image has no curl or wget.
/// </summary>
public static class Probe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var path = args.FirstOrDefault() ?? "/health/ready";
        var url = LocalUrl(Environment.GetEnvironmentVariable("urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(url), path));
            Console.WriteLine($"{(int)response.StatusCode} {path}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"no answer from {url}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The first listening URL, with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) read as loopback.</summary>
    public static string LocalUrl(string? urls)
    {
        var first = (urls ?? JuliaOptions.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? JuliaOptions.DefaultUrl;
        foreach (var wildcard in new[] { "://+", "://*", "://0.0.0.0", "://[::]" })
            if (first.Contains(wildcard)) return first.Replace(wildcard, "://127.0.0.1");
        return first;
    }
}
