using System.Reflection;
using System.Text.RegularExpressions;
using Julia.Server.Tests.Infrastructure;

namespace Julia.Server.Tests.Chips;

/// <summary>
/// Every write to the chips table goes through the chip's grain (issue 20): the grain is the cap authority, and a
/// row changed around it costs a refused charge and a re-read at best. Checked on the compiled code, by an IL scan
/// of every src assembly: each method that loads SQL writing chips must be on <see cref="Owners"/>, and each call
/// to (or delegate of) one must come from the chip grain's namespace (Julia.Grains.Chips: ChipGrain, its lambdas and
/// state machines) or from the caller the list names. A scan of the src files' text backs it up (SQL that the
/// compiled code would not show as a string). The version trigger (sql/0008) stays the safety net for SQL written
/// by hand.
/// </summary>
public class ChipWritesTests
{
    /// <summary>Each method that runs a statement writing chips, and the callers besides the chip grain that may reach it.</summary>
    static readonly Dictionary<string, string[]> Owners = new()
    {
        ["ChipStore.RegisterAsync"] = [],
        ["ChipStore.TransitionAsync"] = [],
        ["ReservationStore.SaveBreakerAsync"] = [],
        ["ReservationStore.ChargeCommand"] = ["ReservationStore.ChargeManyAsync"],
        ["SignalStore.CooldownAsync"] = [],
        ["SignalStore.RestrictAsync"] = ["SignalStore.ConnectionAsync"],
        ["SignalStore.ConnectionAsync"] = [],
        ["SignalStore.SetConnectedAsync"] = ["SignalStore.ConnectionAsync"],
        ["TrustStore.SaveAsync"] = [],
        ["QrStore.StoreAsync"] = [],
        ["ManagerStore.EvaluatedAsync"] = [],
        // The one exception: --demo fills an empty database with its pool before this node's silo starts, when no
        // grain can hold a copy of a chip that does not exist yet.
        ["DemoSeed.SeedAsync"] = ["JuliaApp.CreateAsync"],
    };

    /// <summary>
    /// Methods that reach an owner without holding its SQL, and their callers besides the chip grain: a charge goes
    /// from ChargeAsync through the charges' group commit (handed ChargeManyAsync by the store's constructor) and
    /// ChargeAsync alone feeds it (checked below).
    /// </summary>
    static readonly Dictionary<string, string[]> Relays = new()
    {
        ["ReservationStore.ChargeManyAsync"] = ["ReservationStore..ctor"],
        ["ReservationStore.ChargeAsync"] = [],
    };

    const string ChipGrainNamespace = "Julia.Grains.Chips";

    static readonly Regex WritesChips = new("""\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(\s+TABLE)?|COPY)\s+(ONLY\s+)?(public\.)?"?chips"?(?![\w."])""",
        RegexOptions.IgnoreCase);

    static readonly Assembly[] Src =
    [
        typeof(Julia.Domain.Chips.Registration).Assembly, typeof(Julia.Grains.Chips.IChipGrain).Assembly,
        typeof(Julia.Grains.Chips.ChipGrain).Assembly, typeof(Julia.Storage.Chips.ChipStore).Assembly,
        typeof(Julia.Providers.Evolution.EvolutionClient).Assembly, typeof(Julia.Server.JuliaApp).Assembly,
        typeof(Julia.Client.JuliaClient).Assembly, typeof(Julia.Simulator.EvolutionSimulator).Assembly,
    ];

    static readonly Lazy<IlScan> Scan = new(() => IlScan.Of(Src));

    /// <summary>Methods running a statement that writes chips: the string itself, or a field a constructor stored it in.</summary>
    static Dictionary<string, List<string>> Writers()
    {
        var scan = Scan.Value;
        var writers = new Dictionary<string, List<string>>();
        foreach (var s in scan.Strings.Where(s => WritesChips.IsMatch(s.Text)))
        {
            var statement = WritesChips.Match(s.Text).Value;
            IEnumerable<string> at = s.Field is { } field
                ? scan.FieldReads.Where(r => r.Field.Equals(field) && r.Reader.Method is not (".ctor" or ".cctor")).Select(r => r.Reader.Name)
                : [s.At.Name];
            foreach (var name in at.Distinct()) (writers.TryGetValue(name, out var list) ? list : writers[name] = []).Add(statement);
        }
        return writers;
    }

    [Fact]
    public void Every_statement_writing_chips_is_run_by_a_listed_owner()
    {
        var writers = Writers();
        Assert.True(writers.Count > 5, "the scan found almost no SQL writing chips: it no longer reads the compiled code");
        var unlisted = writers.Keys.Except(Owners.Keys).Select(k => $"{k} ({string.Join("; ", writers[k])})").ToList();
        Assert.True(unlisted.Count == 0, "SQL writing chips outside the chip grain's stores; route it through a ChipGrain method and list its store method here:\n"
                                           + string.Join("\n", unlisted));
        var stale = Owners.Keys.Except(writers.Keys).ToList();
        Assert.True(stale.Count == 0, "listed as writing chips but no longer does (remove from Owners): " + string.Join(", ", stale));
    }

    [Fact]
    public void Only_the_chip_grain_calls_a_method_that_writes_chips()
    {
        var scan = Scan.Value;
        var violations = new List<string>();
        foreach (var (owner, allowed) in Owners.Concat(Relays).Select(kv => (kv.Key, kv.Value)))
        {
            var callers = scan.Calls.Where(c => IlScan.SourceOf(c.Callee).Name == owner && IsOurs(c.Callee)).Select(c => c.Caller)
                .Where(c => c.Name != owner).Distinct().ToList();
            foreach (var caller in callers)
                if (caller.Type.Namespace != ChipGrainNamespace && !allowed.Contains(caller.Name))
                    violations.Add($"{caller.Name} calls {owner}");
        }
        Assert.True(violations.Count == 0, "chips written around the chip grain (call a ChipGrain method instead):\n" + string.Join("\n", violations));

        // The chip grain does call them (the scan sees its calls: an empty caller list would pass the check above for nothing).
        var fromGrain = scan.Calls.Where(c => c.Caller.Type.Namespace == ChipGrainNamespace).Select(c => IlScan.SourceOf(c.Callee).Name).ToHashSet();
        var uncalled = Owners.Concat(Relays).Where(kv => kv.Value.Length == 0 && !fromGrain.Contains(kv.Key)).Select(kv => kv.Key).ToList();
        Assert.True(uncalled.Count == 0, "the scan sees no call from the chip grain to: " + string.Join(", ", uncalled));

        // The charges' group commit is fed by ChargeAsync alone.
        var feeders = scan.FieldReads.Where(r => r.Field.DeclaringType == typeof(Julia.Storage.Chips.ReservationStore) && r.Field.Name == "_charges")
            .Select(r => r.Reader.Name).Where(r => r != "ReservationStore..ctor").Distinct().Order().ToList();
        Assert.Equal(["ReservationStore.ChargeAsync"], feeders);
    }

    [Fact]
    public void No_other_source_file_holds_SQL_writing_chips()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Julia.Grains.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("the repository root");
        var src = Path.Combine(root, "src");
        var files = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".sql"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => WritesChips.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToList();
        // One file per owner's type (named after it): the files whose text writes chips are theirs and no others.
        var owners = Owners.Keys.Select(o => o[..o.IndexOf('.')]).Distinct().Order().ToList();
        Assert.Equal(owners, files);
    }

    static bool IsOurs(MethodBase m) => Src.Contains(m.Module.Assembly);
}
