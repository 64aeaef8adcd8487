using Julia.Storage.Batching;
using Npgsql;

namespace Julia.Storage.Tests.Batching;

/// <summary>Group commit: callers share writes, each gets its own answer, and one item the database refuses fails alone.</summary>
public class GroupCommitTests
{
    [Fact]
    public async Task Callers_that_arrive_together_share_a_write_and_a_refused_item_fails_alone()
    {
        var batches = new List<int[]>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new GroupCommit<int, int>(async items =>
        {
            lock (batches) batches.Add([.. items]);
            await gate.Task; // the first write is in flight while the others arrive
            if (items.Contains(13)) throw new PostgresException("unsupported Unicode escape sequence", "ERROR", "ERROR", "22P05");
            return items.Select(i => i * 10).ToArray();
        }, maxBatch: 64, writers: 1);

        var calls = Enumerable.Range(1, 20).Select(i => commit.WriteAsync(i, CancellationToken.None)).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls.Select(async (t, i) =>
        {
            try { return (i + 1, await t); }
            catch (PostgresException e) when (e.SqlState == "22P05") { return (i + 1, -1); }
        }));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (i, i == 13 ? -1 : i * 10)), outcomes);
        Assert.True(batches.Count(b => b.Length > 1) >= 1, "callers that arrived during a write shared the next one");
        Assert.Contains(batches, b => b is [13]); // the refused batch was written again item by item
    }
}
