namespace Julia.Server.Workers;

/// <summary>
/// A queue worker's loop: run a pass; if it found nothing, sleep until woken (work arrived on this
/// node) or the poll interval passes (work may have arrived on another node). A failed pass is logged
/// and the loop goes on: claims are leased, so nothing is lost by a pass that dies halfway.
/// </summary>
public abstract class PollingWorker(ILogger log) : BackgroundService
{
    readonly SemaphoreSlim _wake = new(0, 1);

    protected abstract bool Enabled { get; }
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>One pass; returns how many items it took.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    public void Wake()
    {
        if (_wake.CurrentCount == 0) try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!Enabled) return;
        while (!stop.IsCancellationRequested)
        {
            int n = 0;
            try { n = await RunOnceAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning("{Worker} pass failed: {Error}", GetType().Name, e.Message); }
            if (n == 0)
                try { await _wake.WaitAsync(PollInterval, stop); } catch (OperationCanceledException) { return; }
        }
    }
}
