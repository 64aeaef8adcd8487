using System.Reflection;
using System.Text.RegularExpressions;

namespace Julia.Server.Tests.Configuration;

/// <summary>
/// docs/configuration.md and the options classes say the same: every settable property of a class that names its
/// section (<c>public const string Section</c>) has a row, and every row's key is one of them.
/// </summary>
public class ConfigurationDocsTests
{
    /// <summary>Keys the service reads that belong to no options class of ours (the framework's connection strings).</summary>
    static readonly string[] OtherKeys = ["ConnectionStrings:Postgres", "ConnectionStrings:PostgresListen"];

    static readonly Assembly[] JuliaAssemblies =
    [
        typeof(JuliaOptions).Assembly, typeof(Julia.Grains.Clock).Assembly, typeof(Julia.Providers.Evolution.EvolutionOptions).Assembly,
        typeof(Julia.Storage.Migrations.Migrator).Assembly, typeof(Julia.Domain.Alerts.AlertPolicy).Assembly,
    ];

    [Fact]
    public void Every_options_property_has_a_row_and_every_row_names_a_property()
    {
        var keys = OptionsKeys().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var rows = DocumentedKeys().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = keys.Except(rows, StringComparer.OrdinalIgnoreCase).Order().ToList();
        var stale = rows.Except(keys, StringComparer.OrdinalIgnoreCase).Except(OtherKeys, StringComparer.OrdinalIgnoreCase).Order().ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"docs/configuration.md: no row for {string.Join(", ", missing)}; rows for keys no options class has: {string.Join(", ", stale)}");
    }

    [Fact]
    public void The_options_classes_are_found()
    {
        var sections = OptionsTypes().Select(t => Section(t)).ToList();
        Assert.Contains("Outbox", sections);
        Assert.Contains("Alerts:Slack", sections);
        Assert.Contains("HealthMonitor", sections);
        Assert.Contains("Julia:Health", OptionsKeys().Select(k => k[..k.LastIndexOf(':')]));
    }

    static IEnumerable<Type> OptionsTypes() =>
        JuliaAssemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });

    static string Section(Type t) => (string)t.GetField("Section", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>Section:Property for every property the binder sets, into nested classes (Section:Sub:Key).</summary>
    internal static IEnumerable<string> OptionsKeys() => OptionsTypes().SelectMany(t => Keys(Section(t), t));

    static IEnumerable<string> Keys(string prefix, Type type)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (IsLeaf(t)) yield return $"{prefix}:{p.Name}";
            else foreach (var k in Keys($"{prefix}:{p.Name}", t)) yield return k;
        }
    }

    static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t.IsArray || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
                                  || t == typeof(DateTimeOffset) || t == typeof(Uri) || !t.IsClass
                                  || typeof(System.Collections.IEnumerable).IsAssignableFrom(t); // a list is one key (Key:0, Key:1 …)

    /// <summary>The first cell of each table row, when it is a key in backticks (<c>| `Outbox:Lease` | …</c>).</summary>
    static IEnumerable<string> DocumentedKeys() =>
        File.ReadLines(Path.Combine(RepoRoot(), "docs", "configuration.md"))
            .Select(l => Regex.Match(l, @"^\|\s*`([A-Za-z0-9]+(?::[A-Za-z0-9]+)+)`\s*\|"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value);

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Julia.Grains.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
