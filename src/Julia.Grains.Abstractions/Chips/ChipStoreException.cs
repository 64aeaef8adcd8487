namespace Julia.Grains.Chips;

/// <summary>
/// The chip's database write failed. Npgsql's exceptions do not survive the trip from a grain on another
/// node (Orleans rebuilds only framework exception types), so the grain sends this instead, carrying what
/// the caller needs to tell a busy or lost database from a bug: PostgreSQL's SQLSTATE, or that the
/// failure was transient (a timeout, a broken connection) when there is none.
/// </summary>
[GenerateSerializer, Alias("julia.ChipStoreException")]
public sealed class ChipStoreException : Exception
{
    [Id(0)] public string? SqlState { get; init; }
    [Id(1)] public bool Transient { get; init; }

    public ChipStoreException() { }
    public ChipStoreException(string message, string? sqlState, bool transient) : base(message) => (SqlState, Transient) = (sqlState, transient);
}
