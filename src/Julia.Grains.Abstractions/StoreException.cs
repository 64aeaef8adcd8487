namespace Julia.Grains;

/// <summary>
/// A grain's database read or write failed. Npgsql's exceptions do not survive the trip from a grain on
/// another node (Orleans rebuilds only framework exception types), so grains send this instead, carrying
/// what the caller needs to tell a busy or lost database from a bug: PostgreSQL's SQLSTATE, or that the
/// failure was transient (a timeout, a broken connection) when there is none.
/// </summary>
[GenerateSerializer, Alias("julia.StoreException")]
public sealed class StoreException : Exception
{
    [Id(0)] public string? SqlState { get; init; }
    [Id(1)] public bool Transient { get; init; }

    public StoreException() { }
    public StoreException(string message, string? sqlState, bool transient) : base(message) => (SqlState, Transient) = (sqlState, transient);
}
