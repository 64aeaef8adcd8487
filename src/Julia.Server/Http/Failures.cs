using Npgsql;

namespace Julia.Server.Http;

/// <summary>What an unexpected exception means for the caller.</summary>
public sealed record Failure(int Status, string Code, string Title, TimeSpan? RetryAfter)
{
    public bool IsBug => Status == 500;
}

/// <summary>
/// Sorts what escapes a request into the service being busy or the database being away (503 with
/// Retry-After: the same request will work later) and genuine bugs (500, logged with the exception).
/// A saturated machine shows up as timeouts and an exhausted connection pool, not as errors in our
/// code, so those must never read as 500.
/// </summary>
public static class Failures
{
    static readonly Failure Overloaded = new(503, "overloaded", "The service is busy; try again shortly.", TimeSpan.FromSeconds(1));
    static readonly Failure Unavailable = new(503, "database_unavailable", "The database cannot be reached; try again.", TimeSpan.FromSeconds(5));
    static readonly Failure NodeLost = new(503, "cluster_unavailable", "A node of the cluster is unreachable; try again shortly.", TimeSpan.FromSeconds(2));
    static readonly Failure Bug = new(500, "internal_error", "Something went wrong on our side.", null);

    public static Failure Classify(Exception e) => e switch
    {
        // A deadline inside the service (the client is still waiting, or it would not be asked).
        OperationCanceledException or TimeoutException => Overloaded,
        // A grain on a node that died, until the cluster declares it dead and the grain moves (seconds).
        Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException => NodeLost,
        PostgresException pg => FromSqlState(pg.SqlState),
        // The same, from a chip grain on another node.
        Julia.Grains.StoreException { SqlState: { } state } => FromSqlState(state),
        Julia.Grains.StoreException { Transient: true } => Overloaded,
        Julia.Grains.StoreException => Unavailable,
        // Not from the server: the pool had no free connection in time, a command timed out, or the socket broke.
        NpgsqlException { InnerException: TimeoutException } => Overloaded,
        NpgsqlException n when n.Message.Contains("pool has been exhausted", StringComparison.OrdinalIgnoreCase) => Overloaded,
        NpgsqlException => Unavailable,
        System.Net.Sockets.SocketException => Unavailable,
        _ => Bug,
    };

    static Failure FromSqlState(string state) => state switch
    {
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.TooManyConnections => Overloaded,
        _ when state.StartsWith("53", StringComparison.Ordinal) => Overloaded,                             // insufficient resources
        // connection lost, shutting down, starting up
        _ when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal) => Unavailable,
        _ => Bug,                                                            // constraint, syntax, data: our mistake
    };
}
