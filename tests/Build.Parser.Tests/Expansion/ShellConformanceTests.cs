using Build.Parser.Expansion;

namespace Build.Parser.Tests.Expansion;

/// <summary>BuildKit's own lexer tables, run with the rules of FORMATS.md §7.1 and §7.2.</summary>
public class ShellConformanceTests
{
    private static readonly DictionaryEnvLookup EnvVarTestEnv = new(new Dictionary<string, string>
    {
        ["PWD"] = "/home",
        ["SHELL"] = "bash",
        ["KOREAN"] = "한국어",
        ["NULL"] = "",
    });

    public static TheoryData<int, string, string> EnvVarCases()
    {
        var data = new TheoryData<int, string, string>();
        string[] lines = File.ReadAllLines(SharedData.Path("conformance", "buildkit", "shell", "envVarTest"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
                continue;
            string line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            string[] f = line.Split('|');
            if (f.Length != 3)
                throw new InvalidDataException($"envVarTest:{i + 1}: expected 3 fields");
            string platform = f[0].Trim();
            if (platform is not ("A" or "U" or "W"))
                throw new InvalidDataException($"envVarTest:{i + 1}: bad platform {platform}");
            if (platform == "W")
                continue;
            data.Add(i + 1, f[1].Trim(), f[2].Trim());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EnvVarCases))]
    public void EnvVarTest_line(int line, string input, string expected)
    {
        var lex = new ShellLex('\\');
        bool ok = lex.TryProcess(input, EnvVarTestEnv, out ExpansionResult? result, out string? error);
        if (expected == "error")
        {
            Assert.False(ok, $"line {line}: expected an error, got \"{result?.Value}\"");
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
        else
        {
            Assert.True(ok, $"line {line}: {error}");
            Assert.Equal(expected, result!.Value);
            Assert.Equal(expected, lex.ProcessWord(input, EnvVarTestEnv));
        }
    }

    [Fact]
    public void EnvVarTest_has_the_documented_number_of_unix_cases()
    {
        Assert.Equal(228, EnvVarCases().Count);
    }

    public static TheoryData<int, string, string[], string[]> WordsCases()
    {
        var data = new TheoryData<int, string, string[], string[]>();
        var env = new List<string>();
        string[] lines = File.ReadAllLines(SharedData.Path("conformance", "buildkit", "shell", "wordsTest"));
        for (int i = 0; i < lines.Length; i++)
        {
            string raw = lines[i];
            if (raw.StartsWith('#'))
                continue;
            if (raw.StartsWith("ENV ", StringComparison.Ordinal))
            {
                env.Add(raw[3..].TrimStart(' '));
                continue;
            }
            string[] f = raw.Split('|');
            if (f.Length != 2)
                throw new InvalidDataException($"wordsTest:{i + 1}: expected 2 fields");
            data.Add(i + 1, f[0].Trim(), f[1].TrimStart(' ').Split(','), [.. env]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WordsCases))]
    public void WordsTest_line(int line, string input, string[] expected, string[] env)
    {
        var lex = new ShellLex('\\');
        IReadOnlyList<string> words = lex.TryProcess(input, DictionaryEnvLookup.FromPairs(env), out ExpansionResult? r, out _)
            ? r.Words
            : ["error"];
        Assert.True(expected.SequenceEqual(words), $"line {line}: expected [{string.Join("|", expected)}], got [{string.Join("|", words)}]");
    }

    [Fact]
    public void WordsTest_has_the_documented_number_of_cases()
    {
        Assert.Equal(24, WordsCases().Count);
    }
}
