using System.Text.RegularExpressions;

namespace Julia.Domain.Tests;

/// <summary>
/// README is the front door (short; the rest lives in docs/), and every relative link in README.md and docs/*.md
/// leads to a file that exists. Anchors (#…) are not checked; web addresses are not followed.
/// </summary>
public partial class DocumentationTests
{
    const int ReadmeMaxLines = 160;

    [Fact]
    public void Readme_stays_short()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md")).Length;
        Assert.True(lines <= ReadmeMaxLines, $"README.md has {lines} lines; keep it at most {ReadmeMaxLines} and move detail to docs/.");
    }

    [Fact]
    public void Relative_links_in_readme_and_docs_lead_to_existing_files()
    {
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Prepend(Path.Combine(root, "README.md"));
        var broken = new List<string>();
        foreach (var file in files)
        {
            var dir = Path.GetDirectoryName(file)!;
            foreach (var (line, target) in RelativeLinks(File.ReadAllLines(file)))
            {
                var path = Path.GetFullPath(Path.Combine(dir, Uri.UnescapeDataString(target)));
                if (!File.Exists(path) && !Directory.Exists(path))
                    broken.Add($"{Path.GetRelativePath(root, file)}:{line}: {target}");
            }
        }
        Assert.True(broken.Count == 0, "Links to files that do not exist:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Link_reader_finds_relative_links_outside_code_blocks_only()
    {
        string[] text =
        [
            "See [ops](docs/operations.md#backup) and [site](https://example.com), [top](#layout).",
            "```",
            "[not a link](nowhere.md)",
            "```",
            "[deploy](../deploy/README.md \"title\")",
        ];
        Assert.Equal([(1, "docs/operations.md"), (5, "../deploy/README.md")], RelativeLinks(text).ToArray());
    }

    /// <summary>Markdown links' targets without their anchor, with their line number; links in fenced code are not links.</summary>
    static IEnumerable<(int Line, string Target)> RelativeLinks(string[] lines)
    {
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced) continue;
            foreach (Match m in Link().Matches(lines[i]))
            {
                var target = m.Groups[1].Value;
                if (target.StartsWith('#') || Regex.IsMatch(target, "^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)) continue;
                var anchor = target.IndexOf('#');
                yield return (i + 1, anchor < 0 ? target : target[..anchor]);
            }
        }
    }

    [GeneratedRegex(@"\]\(<?([^)\s>]+)>?(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    /// <summary>The folder holding Julia.Grains.sln, found by walking up from the test's output folder.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Julia.Grains.sln"))) return dir.FullName;
        throw new InvalidOperationException("Julia.Grains.sln not found above " + AppContext.BaseDirectory);
    }
}
