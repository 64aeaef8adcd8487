using Julia.Server.Demo;

namespace Julia.Server.Configuration;

/// <summary>
/// Defaults decided at start-up rather than in an options class: this node's name, and in the demo the
/// simulators' addresses. One in-memory configuration source, so the options read them like any other setting.
/// </summary>
public static class StartupDefaults
{
    /// <summary>
    /// Adds the source. Each key in it is one the user's configuration leaves unset, so an explicit setting still wins
    /// (as the demo's overwrites did before: they wrote only where the key was empty). It is added last rather than
    /// inserted below the user's sources: inserting rebuilds every provider, which would drop values set through the
    /// configuration's indexer (test hosts set theirs so).
    /// </summary>
    public static void Add(IConfigurationBuilder config, BootOptions given, DemoSimulators? demo)
    {
        var defaults = new Dictionary<string, string?>(demo?.Settings ?? []);
        // One name per process, used by audit rows, leases and the leader election alike.
        if (given.Get<JuliaOptions>().NodeId is null)
            defaults[$"{JuliaOptions.Section}:{nameof(JuliaOptions.NodeId)}"] =
                $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x1000, 0xFFFF):x}";
        config.AddInMemoryCollection(defaults);
    }
}
