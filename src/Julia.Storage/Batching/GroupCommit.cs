using System.Threading.Channels;

namespace Julia.Storage.Batching;

/// <summary>
/// Group commit: callers that arrive while a write is in flight share the next one (one statement and one
/// commit, one fsync, for up to <c>maxBatch</c> items), and each caller still waits for its own item's
/// result, so nothing is acknowledged before it is durable. Alone, a caller is written at once. When a
/// shared write fails on the data (SQLSTATE class 22 or 23), its items are written one by one, so one item
/// PostgreSQL will not take cannot make the others fail with it; any other failure fails the whole batch.
/// </summary>
/// <param name="write">Writes a batch; returns one result per item, in order.</param>
/// <param name="writers">Batches in flight at once. With one, everything that arrives during a commit's flush
/// shares the next commit: fewer, larger commits cost PostgreSQL less per item than several small ones
/// racing for the same WAL flush.</param>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<TResult[]>> write, int maxBatch = 64, int writers = 1)
{
    sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    int _started;

    public Task<TResult> WriteAsync(TItem item, CancellationToken ct)
    {
        // The writers start with the first item and then wait on the queue for the life of the process.
        if (Interlocked.Exchange(ref _started, 1) == 0)
            for (int i = 0; i < writers; i++) _ = Task.Run(LoopAsync, CancellationToken.None);
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        return pending.Done.Task.WaitAsync(ct); // no async frame of its own: the caller awaits the item's result directly
    }

    async Task LoopAsync()
    {
        var batch = new List<Pending>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            if (batch.Count > 0) await WriteBatchAsync(batch);
        }
    }

    async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var results = await write(batch.Select(p => p.Item).ToList());
            for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (Npgsql.PostgresException e) when (batch.Count > 1 && e.SqlState[..2] is "22" or "23")
        {
            foreach (var p in batch) await WriteBatchAsync([p]);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Done.TrySetException(e);
        }
    }
}
