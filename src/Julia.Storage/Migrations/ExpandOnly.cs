using System.Text.RegularExpressions;

namespace Julia.Storage.Migrations;

/// <summary>One reviewed contracting statement: which migration, which rule, and why it was accepted.</summary>
public sealed record ExpandOnlyExemption(string Migration, string Rule, string Reason);

public sealed record ExpandOnlyViolation(string Migration, string Rule, string Statement);

/// <summary>
/// Migrations only expand the schema: during a rolling upgrade the nodes of the previous release keep reading and writing
/// it, so a column or table they use may not disappear, be renamed, change type or start refusing NULL in the same release.
/// Contracting is a later release's migration, once no node reads the old shape, and is listed in
/// <c>sql/expand-only-exceptions.txt</c> with the reason it is safe.
/// </summary>
public static partial class ExpandOnly
{
    static readonly (string Rule, Regex Pattern)[] Rules =
    [
        ("DROP TABLE", DropTable()),
        ("DROP COLUMN", DropColumn()),
        ("RENAME", Rename()),
        ("ALTER COLUMN TYPE", AlterType()),
        ("SET NOT NULL", SetNotNull()),
        ("DROP SCHEMA", DropSchema()),
    ];

    public static IReadOnlyList<ExpandOnlyViolation> Check(IEnumerable<Migration> migrations, IEnumerable<ExpandOnlyExemption> exceptions)
    {
        var allowed = exceptions.Select(e => (e.Migration, e.Rule)).ToHashSet();
        var found = new List<ExpandOnlyViolation>();
        foreach (var m in migrations)
        {
            var sql = Comments().Replace(m.Sql, " ");
            foreach (var (rule, pattern) in Rules)
                foreach (Match hit in pattern.Matches(sql))
                    if (!allowed.Contains((m.Name, rule)))
                        found.Add(new ExpandOnlyViolation(m.Name, rule, Regex.Replace(hit.Value, @"\s+", " ").Trim()));
        }
        return found;
    }

    /// <summary>Lines <c>NNNN_name.sql | RULE | reason</c>; blank lines and <c>#</c> comments are skipped; a reason is required.</summary>
    public static IReadOnlyList<ExpandOnlyExemption> ParseExceptions(string text)
    {
        var list = new List<ExpandOnlyExemption>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('|', 3, StringSplitOptions.TrimEntries);
            if (parts.Length != 3 || parts[2].Length == 0 || !Rules.Any(r => r.Rule == parts[1]))
                throw new MigrationException(
                    $"expand-only exception \"{line}\" must read: NNNN_name.sql | {string.Join("/", Rules.Select(r => r.Rule))} | reason");
            list.Add(new ExpandOnlyExemption(parts[0], parts[1], parts[2]));
        }
        return list;
    }

    [GeneratedRegex(@"--[^\n]*")] private static partial Regex Comments();
    [GeneratedRegex(@"\bDROP\s+TABLE\b[^;]*", RegexOptions.IgnoreCase)] private static partial Regex DropTable();
    [GeneratedRegex(@"\bDROP\s+COLUMN\b[^,;]*", RegexOptions.IgnoreCase)] private static partial Regex DropColumn();
    [GeneratedRegex(@"\bRENAME\s+(COLUMN\s+|CONSTRAINT\s+)?\w*\s*TO\b[^;]*", RegexOptions.IgnoreCase)] private static partial Regex Rename();
    [GeneratedRegex(@"\bALTER\s+COLUMN\s+\w+\s+(SET\s+DATA\s+)?TYPE\b[^,;]*", RegexOptions.IgnoreCase)] private static partial Regex AlterType();
    [GeneratedRegex(@"\bALTER\s+COLUMN\s+\w+\s+SET\s+NOT\s+NULL", RegexOptions.IgnoreCase)] private static partial Regex SetNotNull();
    [GeneratedRegex(@"\bDROP\s+SCHEMA\b[^;]*", RegexOptions.IgnoreCase)] private static partial Regex DropSchema();
}
