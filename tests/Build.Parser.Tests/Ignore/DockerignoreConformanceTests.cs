using System.Text.RegularExpressions;
using Build.Parser.Ignore;

namespace Build.Parser.Tests.Ignore;

/// <summary>Every case table of ../shared/conformance/DOCKERIGNORE.md, read from the markdown itself.</summary>
public partial class DockerignoreConformanceTests
{
    private sealed record Row(string Id, IReadOnlyList<string> Patterns, string? Path, string Result);

    private static readonly Lazy<IReadOnlyList<Row>> Rows = new(ReadRows);

    [GeneratedRegex(@"`([^`]*)`")]
    private static partial Regex CodeSpan();

    private static IReadOnlyList<Row> ReadRows()
    {
        var rows = new List<Row>();
        foreach (string line in File.ReadLines(SharedData.Path("conformance", "DOCKERIGNORE.md")))
        {
            if (!line.StartsWith("| ", StringComparison.Ordinal))
                continue;
            // Split on unescaped "|" and unescape "\|" inside cells.
            string[] cells = [.. Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal))];
            if (cells.Length != 4 || !Regex.IsMatch(cells[0], "^[ABCDX][0-9]+$"))
                continue;
            IReadOnlyList<string> patterns = cells[1] switch
            {
                "(no patterns)" => [],
                _ => [.. CodeSpan().Matches(cells[1]).Select(m => m.Groups[1].Value), .. cells[1].Contains("(empty)", StringComparison.Ordinal) ? [""] : Array.Empty<string>()],
            };
            Match path = CodeSpan().Match(cells[2]);
            rows.Add(new Row(cells[0], patterns, path.Success ? path.Groups[1].Value : null, cells[3]));
        }
        return rows;
    }

    public static TheoryData<string> Ids(string table)
    {
        var data = new TheoryData<string>();
        foreach (Row r in Rows.Value.Where(r => r.Id.StartsWith(table, StringComparison.Ordinal) && r.Path is not null))
            data.Add(r.Id);
        return data;
    }

    public static TheoryData<string> TableA() => Ids("A");

    public static TheoryData<string> TableB() => Ids("B");

    public static TheoryData<string> TableC() => Ids("C");

    public static TheoryData<string> TableD() => Ids("D");

    public static TheoryData<string> TableX() => Ids("X");

    [Fact]
    public void All_tables_were_read()
    {
        Assert.Equal(68, TableA().Count);
        Assert.Equal(4, TableB().Count);
        Assert.Equal(54, TableC().Count);
        Assert.Equal(12, TableD().Count); // D12-D14 have no path; they are checked below
        Assert.Equal(4, TableX().Count);
    }

    [Theory]
    [MemberData(nameof(TableA))]
    [MemberData(nameof(TableB))]
    [MemberData(nameof(TableD))]
    [MemberData(nameof(TableX))]
    public void List_matching(string id)
    {
        Row row = Rows.Value.Single(r => r.Id == id);
        bool? expected = Expected(row.Result);
        if (expected is null)
        {
            // ERROR: building the matcher or matching must fail with a pattern error (and keep failing: D15).
            Assert.Throws<IgnorePatternException>(() =>
            {
                IgnoreMatcher m = IgnoreMatcher.Create(row.Patterns);
                m.IsIgnored(row.Path!);
            });
            if (row.Id == "D15")
            {
                IgnoreMatcher m = IgnoreMatcher.Create(row.Patterns);
                Assert.Throws<IgnorePatternException>(() => m.IsIgnored(row.Path!));
                Assert.Throws<IgnorePatternException>(() => m.IsIgnored(row.Path!));
            }
            return;
        }
        IgnoreMatcher matcher = IgnoreMatcher.Create(row.Patterns);
        Assert.Equal(expected, matcher.IsIgnored(row.Path!));
        // The incremental evaluation a walker uses (parents first) must agree.
        if (row.Path!.Length > 1 && !row.Path.StartsWith('/'))
            Assert.Equal(expected, Incremental(matcher, row.Path));
    }

    [Theory]
    [MemberData(nameof(TableC))]
    public void Go_filepath_match_compatibility(string id)
    {
        Row row = Rows.Value.Single(r => r.Id == id);
        bool? expected = Expected(row.Result);
        if (expected is null)
        {
            Assert.Throws<IgnorePatternException>(() => IgnoreMatcher.Create(row.Patterns));
            return;
        }
        // Upstream's Matches(path, [pattern]) cleans the path and never matches ".".
        string path = GoPath.Clean(row.Path!);
        IgnoreMatcher matcher = IgnoreMatcher.Create(row.Patterns);
        Assert.Equal(expected, path != "." && matcher.IsIgnored(path));
        // The pattern text is also a valid Go glob, and Go's own matcher agrees for single-segment patterns.
        Assert.True(GoGlob.IsValid(row.Patterns[0]));
    }

    [Fact]
    public void Empty_patterns_are_dropped_D12()
    {
        Row row = Rows.Value.Single(r => r.Id == "D12");
        Assert.Equal(3, row.Patterns.Count);
        Assert.Equal(2, IgnoreMatcher.Create(row.Patterns).Patterns.Count);
    }

    [Theory]
    [InlineData("D13")]
    [InlineData("D14")]
    public void Spaces_around_exclusions_are_trimmed(string id)
    {
        Row row = Rows.Value.Single(r => r.Id == id);
        IgnoreMatcher m = IgnoreMatcher.Create(row.Patterns);
        Assert.True(m.Patterns[1].IsExclusion);
        Assert.Equal("docs/README.md", m.Patterns[1].Text);
        Assert.False(m.IsIgnored("docs/README.md"));
        Assert.True(m.IsIgnored("docs/other.md"));
    }

    [Fact]
    public void Reading_the_table_E_file()
    {
        string md = File.ReadAllText(SharedData.Path("conformance", "DOCKERIGNORE.md"));
        int tableE = md.IndexOf("### Table E", StringComparison.Ordinal);
        int start = md.IndexOf("```\n", tableE, StringComparison.Ordinal) + 4;
        int end = md.IndexOf("```", start, StringComparison.Ordinal);
        string file = md[start..end];
        Assert.Equal(["test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "!", "!"], IgnoreFile.Parse(file));
        Assert.Empty(IgnoreFile.Parse(""));
        Assert.Throws<IgnorePatternException>(() => IgnoreMatcher.Create(IgnoreFile.Parse(file)));
    }

    private static bool? Expected(string result) =>
        result.StartsWith("yes", StringComparison.Ordinal) ? true
        : result.StartsWith("no", StringComparison.Ordinal) ? false
        : result.Contains("ERROR", StringComparison.Ordinal) ? null
        : throw new InvalidDataException("unknown result " + result);

    private static bool Incremental(IgnoreMatcher matcher, string path)
    {
        // Walk the parent directories first, as a context walker does ("a/b/" has parents "a" and "a/b").
        string[] parts = path.Split('/');
        IgnoreMatchState state = IgnoreMatchState.Root;
        string current = "";
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = current.Length == 0 ? parts[i] : current + "/" + parts[i];
            matcher.IsIgnored(current, state, out state);
        }
        bool viaState = matcher.IsIgnored(path, state, out _);
        Assert.Equal(viaState, matcher.IsIgnoredFile(path, state));
        return viaState;
    }
}
