namespace Julia.Grains.Pool;

/// <summary>
/// Where the pool manager asks for new numbers. A request is a row, keyed by São Paulo day and its number
/// that day, so the daily maximum holds however many nodes ask; buying the number and pairing it happen
/// elsewhere (a worker with the provider's client), never inside the pool's cycle.
/// </summary>
public interface IProvisioning
{
    /// <summary>Requests made on <paramref name="day"/>, and requests not finished yet.</summary>
    Task<(int Today, int Open)> CountsAsync(DateOnly day, CancellationToken ct);

    /// <summary>The request's id, or null when <paramref name="dailyMax"/> requests were already made that day.</summary>
    Task<long?> RequestAsync(DateOnly day, int dailyMax, string actor, string reason, DateTimeOffset now, CancellationToken ct);
}

/// <summary>No provider configured: the pool manager reports the shortfall and requests nothing.</summary>
public sealed class NoProvisioning : IProvisioning
{
    public Task<(int Today, int Open)> CountsAsync(DateOnly day, CancellationToken ct) => Task.FromResult((0, 0));
    public Task<long?> RequestAsync(DateOnly day, int dailyMax, string actor, string reason, DateTimeOffset now, CancellationToken ct) => Task.FromResult<long?>(null);
}
