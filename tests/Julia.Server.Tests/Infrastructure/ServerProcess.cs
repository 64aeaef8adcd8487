using System.Diagnostics;
using System.Net;
using System.Text;
using Julia.Storage.Local;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>Julia.Server as a real child process (so it can be killed with SIGKILL), configured by environment.</summary>
public sealed class ServerProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();
    public Uri BaseAddress { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    ServerProcess(Process p, Uri address)
    {
        _process = p;
        BaseAddress = address;
    }

    public static ServerProcess Start(IDictionary<string, string> settings)
    {
        var port = LocalPorts.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "Julia.Server.dll");
        var psi = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["urls"] = $"http://127.0.0.1:{port}";
        psi.Environment["Julia__LogLevel"] = "Warning";
        foreach (var (k, v) in settings) psi.Environment[k.Replace(":", "__")] = v;
        var p = Process.Start(psi)!;
        var sp = new ServerProcess(p, new Uri($"http://127.0.0.1:{port}/"));
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sp._output) sp._output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sp._output) sp._output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return sp;
    }

    public async Task<HttpStatusCode?> ReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try { return (await http.GetAsync(new Uri(BaseAddress, "health/ready"))).StatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }

    public Task WaitReadyAsync() =>
        Eventually.True(async () => await ReadyAsync() == HttpStatusCode.OK || _process.HasExited, TimeSpan.FromSeconds(60), "the server to start")
            .ContinueWith(t => { if (_process.HasExited) throw new InvalidOperationException("server exited:\n" + Output); t.GetAwaiter().GetResult(); });

    /// <summary>SIGKILL: no shutdown, no cleanup, leases left as they were.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
