namespace Julia.Grains;

/// <summary>
/// Storage and state names in one place. The ADO.NET store keys rows by grain key and state name, so
/// each grain class has a name of its own: two classes sharing one would share a row.
/// </summary>
public static class Names
{
    /// <summary>The grain storage provider (Orleans ADO.NET persistence on the service's PostgreSQL).</summary>
    public const string Storage = "julia";

    public const string PoolState = "pool";

    /// <summary>The connection health pass's state (its last period and pass).</summary>
    public const string ConnectionHealthState = "connection-health";

    /// <summary>There is one pool; its grain's key.</summary>
    public const string Pool = "pool";
}
