namespace Julia.Testing;

/// <summary>Poll with a deadline: for effects of background workers, never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what ?? "a condition"}; last value: {last}");
            await Task.Delay(25);
            last = await probe();
        }
        return last;
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan? timeout = null, string? what = null) => Until(probe, x => x, timeout, what);
}
