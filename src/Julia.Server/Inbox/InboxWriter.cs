using System.Threading.Channels;
using Julia.Storage.Inbox;

namespace Julia.Server.Inbox;

/// <summary>
/// Group commit for webhooks. Each request still waits for its own event to be committed before it is
/// answered 200, but requests that arrive while a write is in flight share the next one: one statement and
/// one commit (one fsync) for up to <see cref="MaxBatch"/> events instead of one each. Alone, a request is
/// written at once. When a shared write fails on a data error, its events are written one by one, so one
/// event PostgreSQL will not take cannot make the others be refused (and retried) with it.
/// </summary>
public sealed class InboxWriter(InboxStore store, ILogger<InboxWriter> log) : BackgroundService
{
    public const int MaxBatch = 64;
    const int Writers = 4;

    sealed record Pending(NewInboxEvent Event, TaskCompletionSource<bool> Stored);

    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    /// <summary>True when stored now, false when the same event was stored before; throws when it could not be stored.</summary>
    public async Task<bool> AddAsync(NewInboxEvent e, CancellationToken ct)
    {
        var pending = new Pending(e, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("the service is stopping");
        return await pending.Stored.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() => WriteLoopAsync(stop), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(ct);
    }

    async Task WriteLoopAsync(CancellationToken stop)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
                if (batch.Count > 0) await WriteAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        // Whatever is still queued at shutdown is refused: the gateway retries it against a live node.
        while (_queue.Reader.TryRead(out var left)) left.Stored.TrySetException(new InvalidOperationException("the service is stopping"));
    }

    async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            var stored = await store.AddManyAsync(batch.Select(p => p.Event).ToList(), CancellationToken.None);
            foreach (var p in batch) p.Stored.TrySetResult(stored.Remove(p.Event.DedupeKey)); // a key twice in the batch: the first is the one stored
        }
        catch (Npgsql.PostgresException e) when (batch.Count > 1 && e.SqlState[..2] is "22" or "23")
        {
            log.LogWarning("A shared webhook write was refused ({Error}); writing its {Count} events one by one", e.MessageText, batch.Count);
            foreach (var p in batch) await WriteAsync([p]);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Stored.TrySetException(e);
        }
    }
}
