namespace Julia.Server;

/// <summary>Service options (section <c>Julia</c>). Defaults run a single node on this machine.</summary>
public sealed class JuliaOptions
{
    public const string Section = "Julia";

    /// <summary>Seed the demo pool and accept the demo keys (loopback only).</summary>
    public bool Demo { get; set; }

    /// <summary>Where the private PostgreSQL keeps its data when no connection string is set.</summary>
    public string? DataDir { get; set; }

    /// <summary>
    /// This node's name: the silo's name in the membership table, the owner of the outbox messages it claims, the node in
    /// selection audit rows and the telemetry's service instance; defaults to host, process id and a random suffix.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>How long a chip snapshot is trusted before it is read again (NOTIFY refreshes it sooner).</summary>
    public TimeSpan SnapshotTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many ranked candidates one reservation statement may claim from (the first free one wins).</summary>
    public int CandidatesPerTry { get; set; } = 10;

    /// <summary>
    /// Apply pending migrations at start-up (the default: one node, or nodes of one release). False for rolling
    /// upgrades: the <c>migrate</c> command runs first, and a node finding a migration still pending refuses to start.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static string DefaultDataDir()
    {
        // PostgreSQL cannot run as root, and the postgres user cannot enter root's home folder,
        // so as root the cluster lives in a system folder instead.
        if (Environment.IsPrivilegedProcess) return "/var/lib/julia-grains/postgres";
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(local, "julia-grains", "postgres");
    }
}
