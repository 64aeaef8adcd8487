using Julia.Storage.Migrations;

namespace Julia.Storage.Tests.Migrations;

public class ExpandOnlyTests
{
    static string Exceptions() => File.ReadAllText(Path.Combine(RepoRoot(), "sql", "expand-only-exceptions.txt"));

    [Fact]
    public void Every_migration_in_sql_expands_only_or_is_a_reviewed_exception()
    {
        var violations = ExpandOnly.Check(Migrator.Embedded(), ExpandOnly.ParseExceptions(Exceptions()));
        Assert.True(violations.Count == 0, "contracting statements without a reviewed entry in sql/expand-only-exceptions.txt:\n"
            + string.Join("\n", violations.Select(v => $"{v.Migration}: {v.Rule}: {v.Statement}")));
    }

    [Fact]
    public void A_new_drop_column_without_an_exception_entry_is_refused()
    {
        var next = new Migration("0099_contract.sql", "-- tidy up\nALTER TABLE chips DROP COLUMN ddd, ADD COLUMN x int;\n", "x");
        var violations = ExpandOnly.Check(Migrator.Embedded().Append(next), ExpandOnly.ParseExceptions(Exceptions()));
        var v = Assert.Single(violations);
        Assert.Equal(("0099_contract.sql", "DROP COLUMN", "DROP COLUMN ddd"), (v.Migration, v.Rule, v.Statement));

        var reviewed = ExpandOnly.ParseExceptions(Exceptions() + "\n0099_contract.sql | DROP COLUMN | no node reads chips.ddd since release N\n");
        Assert.Empty(ExpandOnly.Check(Migrator.Embedded().Append(next), reviewed));
    }

    [Theory]
    [InlineData("ALTER TABLE chips RENAME COLUMN ddd TO area")]
    [InlineData("ALTER TABLE chips RENAME TO phones")]
    [InlineData("DROP TABLE contacts")]
    [InlineData("ALTER TABLE chips ALTER COLUMN ddd TYPE bigint")]
    [InlineData("ALTER TABLE chips ALTER COLUMN ddd SET NOT NULL")]
    public void Other_contracting_statements_are_refused(string sql) =>
        Assert.Single(ExpandOnly.Check([new Migration("0099_x.sql", sql, "x")], []));

    [Theory]
    [InlineData("ALTER TABLE chips ADD COLUMN note text")]
    [InlineData("CREATE INDEX chips_note ON chips (note)")]
    [InlineData("DROP INDEX IF EXISTS chips_note")]
    [InlineData("-- we never DROP COLUMN here\nCREATE TABLE t (x int)")]
    public void Expanding_statements_pass(string sql) => Assert.Empty(ExpandOnly.Check([new Migration("0099_x.sql", sql, "x")], []));

    [Fact]
    public void An_exception_without_a_reason_is_refused() =>
        Assert.Throws<MigrationException>(() => ExpandOnly.ParseExceptions("0099_x.sql | DROP COLUMN | "));

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Julia.Grains.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
