namespace Julia.Domain.Tests;

/// <summary>
/// Every line of C# under src/ fits in <see cref="MaxLineLength"/> characters, the limit .editorconfig names
/// (max_line_length). Length is counted in the file's characters: a tab is one.
/// </summary>
public class StyleTests
{
    const int MaxLineLength = 160;

    [Fact]
    public void Source_lines_fit_the_line_limit()
    {
        var root = DocumentationTests.RepositoryRoot();
        var tooLong = new List<string>();
        foreach (var file in SourceFiles(Path.Combine(root, "src")))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (lines[i].Length > MaxLineLength)
                    tooLong.Add($"{Path.GetRelativePath(root, file)}:{i + 1} ({lines[i].Length})");
        }
        Assert.True(tooLong.Count == 0,
            $"Lines longer than {MaxLineLength} characters (wrap them at a natural break):\n" + string.Join("\n", tooLong));
    }

    /// <summary>The .cs files under <paramref name="src"/>, leaving out build output (bin/, obj/).</summary>
    static IEnumerable<string> SourceFiles(string src) =>
        Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(src, f).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);
}
